! Numerical kernels in Fortran, called from C through bind(C). They use what
! real Fortran code needs gfortran's runtime for: array expressions and
! allocatable arrays, formatted I/O into a string (libgfortran), and
! quad precision (real(16): libquadmath).
module kernels
  use iso_c_binding
  implicit none
  ! Module state, exported to C under this name.
  integer(c_int), bind(C, name="kmf_calls") :: calls = 0
contains
  ! y := a*x + y
  subroutine kmf_axpy(n, a, x, y) bind(C, name="kmf_axpy")
    integer(c_int), value :: n
    real(c_double), value :: a
    real(c_double), intent(in) :: x(n)
    real(c_double), intent(inout) :: y(n)
    calls = calls + 1
    y = a * x + y
  end subroutine

  ! 1**2 + 2**2 + ... + n**2, through an allocatable array.
  function kmf_sum_squares(n) bind(C, name="kmf_sum_squares") result(s)
    integer(c_int), value :: n
    real(c_double) :: s
    real(c_double), allocatable :: v(:)
    integer :: i
    calls = calls + 1
    allocate(v(n))
    v = [(real(i, c_double)**2, i = 1, n)]
    s = sum(v)
    deallocate(v)
  end function

  ! sqrt(x) in quad precision, written with `digits` decimals into buf
  ! (NUL-terminated, at most len bytes with the NUL).
  subroutine kmf_quad_sqrt(x, digits, buf, len) bind(C, name="kmf_quad_sqrt")
    real(c_double), value :: x
    integer(c_int), value :: digits, len
    character(kind=c_char), intent(out) :: buf(len)
    real(16) :: q
    character(len=80) :: text, fmt
    integer :: i, n
    calls = calls + 1
    q = sqrt(real(x, 16))
    write(fmt, '(A,I0,A)') '(F0.', digits, ')'
    write(text, fmt) q
    n = min(len_trim(text), len - 1)
    do i = 1, n
      buf(i) = text(i:i)
    end do
    buf(n + 1) = c_null_char
  end subroutine
end module
