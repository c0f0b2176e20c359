// libhyphen (Debian: libhyphen-dev), the hyphenation library of LibreOffice, with the
// hyph_en_US.dic patterns of hyphen-en-us: the readability rule counts syllables with them.
#include <hyphen.h>
