/*===- evil-constructor.c - foreign native code for the trust tests -------===*
 *
 * What an attacker would put in a bundle's host code section (issue 14,
 * F7): a shared library whose constructor runs as soon as it is loaded. Here
 * it only creates the file $TGC_TEST_EVIL_MARKER, so a test can tell
 * whether the runtime ever loaded it.
 *
 *===----------------------------------------------------------------------===*/

#include <stdio.h>
#include <stdlib.h>

__attribute__((constructor)) static void announce(void) {
  const char *marker = getenv("TGC_TEST_EVIL_MARKER");
  if (!marker)
    return;
  FILE *file = fopen(marker, "w");
  if (file) {
    fputs("the constructor of foreign code ran\n", file);
    fclose(file);
  }
}
