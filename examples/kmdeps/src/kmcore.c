/* A plain C library of the kmdeps package. Its global state is its own:
   kmcore_calls counts the calls made into this one copy. */
int kmcore_calls;

int kmcore_answer(int x) {
    kmcore_calls++;
    return x * 2 + 1;
}

int kmcore_count(void) { return kmcore_calls; }
