/* Four system libraries used for real: libpng and libjpeg encode and
 * decode images in memory, FreeType renders a glyph of a font held in
 * memory, zlib computes a CRC (kmzlib links zlib too). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include <png.h>
#include <stdio.h> /* jpeglib.h needs FILE */
#include <jpeglib.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* png_roundtrip(width, height, rgba): (png file bytes, decoded rgba). */
static PyObject *png_roundtrip(PyObject *self, PyObject *args) {
    int width, height;
    Py_buffer pixels;
    if (!PyArg_ParseTuple(args, "iiy*", &width, &height, &pixels))
        return NULL;
    PyObject *result = NULL;
    void *encoded = NULL, *decoded = NULL;
    if (width <= 0 || height <= 0 || width > 4096 || height > 4096 || pixels.len != (Py_ssize_t)width * height * 4) {
        PyErr_SetString(PyExc_ValueError, "png_roundtrip: rgba must hold width*height*4 bytes");
        goto done;
    }
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = (png_uint_32)width;
    image.height = (png_uint_32)height;
    image.format = PNG_FORMAT_RGBA;
    png_alloc_size_t size = 0;
    if (!png_image_write_to_memory(&image, NULL, &size, 0, pixels.buf, 0, NULL) || !(encoded = malloc(size)) ||
        !png_image_write_to_memory(&image, encoded, &size, 0, pixels.buf, 0, NULL)) {
        PyErr_Format(PyExc_RuntimeError, "libpng: %s", image.message);
        goto done;
    }
    png_image back;
    memset(&back, 0, sizeof back);
    back.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&back, encoded, size)) {
        PyErr_Format(PyExc_RuntimeError, "libpng: %s", back.message);
        goto done;
    }
    back.format = PNG_FORMAT_RGBA;
    decoded = malloc(PNG_IMAGE_SIZE(back));
    if (!decoded || !png_image_finish_read(&back, NULL, decoded, 0, NULL)) {
        PyErr_Format(PyExc_RuntimeError, "libpng: %s", back.message);
        png_image_free(&back);
        goto done;
    }
    result = Py_BuildValue("(y#y#)", (char *)encoded, (Py_ssize_t)size, (char *)decoded,
                           (Py_ssize_t)PNG_IMAGE_SIZE(back));
done:
    free(encoded);
    free(decoded);
    PyBuffer_Release(&pixels);
    return result;
}

struct jpeg_failure {
    struct jpeg_error_mgr mgr;
    jmp_buf back;
    char message[JMSG_LENGTH_MAX];
};

static void jpeg_fail(j_common_ptr cinfo) {
    struct jpeg_failure *f = (struct jpeg_failure *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, f->message);
    longjmp(f->back, 1);
}

/* jpeg_roundtrip(width, height, gray, quality): (jpeg file bytes, decoded gray). */
static PyObject *jpeg_roundtrip(PyObject *self, PyObject *args) {
    int width, height, quality;
    Py_buffer pixels;
    if (!PyArg_ParseTuple(args, "iiy*i", &width, &height, &pixels, &quality))
        return NULL;
    if (width <= 0 || height <= 0 || width > 4096 || height > 4096 || pixels.len != (Py_ssize_t)width * height) {
        PyBuffer_Release(&pixels);
        PyErr_SetString(PyExc_ValueError, "jpeg_roundtrip: gray must hold width*height bytes");
        return NULL;
    }
    struct jpeg_compress_struct c;
    struct jpeg_decompress_struct d;
    struct jpeg_failure failure;
    unsigned char *encoded = NULL;
    unsigned long size = 0;
    unsigned char *volatile decoded = NULL;
    volatile int have_c = 0, have_d = 0;
    PyObject *result = NULL;
    c.err = d.err = jpeg_std_error(&failure.mgr);
    failure.mgr.error_exit = jpeg_fail;
    if (setjmp(failure.back)) {
        PyErr_Format(PyExc_RuntimeError, "libjpeg: %s", failure.message);
        goto done;
    }
    jpeg_create_compress(&c);
    have_c = 1;
    jpeg_mem_dest(&c, &encoded, &size);
    c.image_width = (JDIMENSION)width;
    c.image_height = (JDIMENSION)height;
    c.input_components = 1;
    c.in_color_space = JCS_GRAYSCALE;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, quality, TRUE);
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = (JSAMPROW)pixels.buf + (size_t)c.next_scanline * (size_t)width;
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_create_decompress(&d);
    have_d = 1;
    jpeg_mem_src(&d, encoded, size);
    jpeg_read_header(&d, TRUE);
    jpeg_start_decompress(&d);
    size_t stride = (size_t)d.output_width * (size_t)d.output_components;
    decoded = malloc(stride * d.output_height);
    if (!decoded) {
        PyErr_NoMemory();
        goto done;
    }
    while (d.output_scanline < d.output_height) {
        JSAMPROW row = decoded + (size_t)d.output_scanline * stride;
        jpeg_read_scanlines(&d, &row, 1);
    }
    jpeg_finish_decompress(&d);
    result = Py_BuildValue("(y#y#)", (char *)encoded, (Py_ssize_t)size, (char *)decoded,
                           (Py_ssize_t)(stride * d.output_height));
done:
    if (have_d)
        jpeg_destroy_decompress(&d);
    if (have_c)
        jpeg_destroy_compress(&c);
    free(encoded);
    free(decoded);
    PyBuffer_Release(&pixels);
    return result;
}

/* An 8x8 bitmap font in BDF, FreeType's text format, with one glyph: K. */
static const char kFont[] = "STARTFONT 2.1\n"
                            "FONT -kmpack-kmfont-medium-r-normal--8-80-75-75-c-80-iso10646-1\n"
                            "SIZE 8 75 75\n"
                            "FONTBOUNDINGBOX 8 8 0 0\n"
                            "STARTPROPERTIES 3\n"
                            "FONT_ASCENT 8\n"
                            "FONT_DESCENT 0\n"
                            "DEFAULT_CHAR 75\n"
                            "ENDPROPERTIES\n"
                            "CHARS 1\n"
                            "STARTCHAR K\n"
                            "ENCODING 75\n"
                            "SWIDTH 1000 0\n"
                            "DWIDTH 8 0\n"
                            "BBX 8 8 0 0\n"
                            "BITMAP\n"
                            "C3\nC6\nCC\nF8\nF8\nCC\nC6\nC3\n"
                            "ENDCHAR\n"
                            "ENDFONT\n";

/* render_glyph(char): the rows of FreeType's bitmap of it, as bytes (one per row). */
static PyObject *render_glyph(PyObject *self, PyObject *args) {
    int ch;
    if (!PyArg_ParseTuple(args, "C", &ch))
        return NULL;
    FT_Library library;
    FT_Face face;
    FT_Error err = FT_Init_FreeType(&library);
    if (err)
        return PyErr_Format(PyExc_RuntimeError, "FreeType: FT_Init_FreeType: error %d", err);
    PyObject *result = NULL;
    if ((err = FT_New_Memory_Face(library, (const FT_Byte *)kFont, (FT_Long)(sizeof kFont - 1), 0, &face))) {
        PyErr_Format(PyExc_RuntimeError, "FreeType: FT_New_Memory_Face: error %d", err);
        goto done;
    }
    if (face->num_fixed_sizes > 0)
        FT_Select_Size(face, 0);
    FT_UInt index = FT_Get_Char_Index(face, (FT_ULong)ch);
    if (!index) {
        PyErr_Format(PyExc_KeyError, "the font has no glyph for %c", ch);
    } else if ((err = FT_Load_Glyph(face, index, FT_LOAD_RENDER | FT_LOAD_TARGET_MONO))) {
        PyErr_Format(PyExc_RuntimeError, "FreeType: FT_Load_Glyph: error %d", err);
    } else {
        FT_Bitmap *bm = &face->glyph->bitmap;
        result = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)bm->rows);
        for (unsigned r = 0; result && r < bm->rows; r++)
            PyBytes_AS_STRING(result)[r] = (char)bm->buffer[(long)r * bm->pitch];
    }
    FT_Done_Face(face);
done:
    FT_Done_FreeType(library);
    return result;
}

static PyObject *crc(PyObject *self, PyObject *args) {
    Py_buffer data;
    if (!PyArg_ParseTuple(args, "y*", &data))
        return NULL;
    unsigned long value = crc32(0L, (const Bytef *)data.buf, (uInt)data.len);
    PyBuffer_Release(&data);
    return PyLong_FromUnsignedLong(value);
}

static PyObject *versions(PyObject *self, PyObject *unused) {
    FT_Library library;
    FT_Int major = 0, minor = 0, patch = 0;
    if (!FT_Init_FreeType(&library)) {
        FT_Library_Version(library, &major, &minor, &patch);
        FT_Done_FreeType(library);
    }
    return Py_BuildValue("{s:s,s:(iii),s:i,s:s}", "libpng", png_get_libpng_ver(NULL), "freetype", major, minor,
                         patch, "libjpeg", JPEG_LIB_VERSION, "zlib", zlibVersion());
}

static PyMethodDef methods[] = {
    {"png_roundtrip", png_roundtrip, METH_VARARGS, "png_roundtrip(w, h, rgba): (png, decoded rgba)"},
    {"jpeg_roundtrip", jpeg_roundtrip, METH_VARARGS, "jpeg_roundtrip(w, h, gray, quality): (jpeg, decoded gray)"},
    {"render_glyph", render_glyph, METH_VARARGS, "render_glyph(ch): the glyph's bitmap rows"},
    {"crc32", crc, METH_VARARGS, "crc32(data): zlib's CRC-32"},
    {"versions", versions, METH_NOARGS, "the libraries' versions"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_image", NULL, -1, methods};

PyMODINIT_FUNC PyInit__image(void) { return PyModule_Create(&module); }
