#ifndef ROOST_CJPEG_H
#define ROOST_CJPEG_H
// Placeholder; the libjpeg shim is written in its own change.
int roost_jpeg_placeholder(void);
#endif
