// The libjpeg-turbo shim: the part of JPEG decoding that Swift cannot express itself.
// See shim.c for why it exists. Everything else (policy, errors, orientation) is Swift.
#ifndef ROOST_CJPEG_H
#define ROOST_CJPEG_H

#include <stddef.h>

/// One decompressor: a libjpeg decompress object plus its error state. Opaque to Swift.
typedef struct roost_jpeg_decoder roost_jpeg_decoder;

/// Colour model of the pixels the decoder delivers.
enum {
    ROOST_JPEG_PIXELS_RGB = 0,  // 3 bytes per pixel (from YCbCr, RGB or grayscale sources)
    ROOST_JPEG_PIXELS_CMYK = 1, // 4 bytes per pixel (from CMYK or YCCK sources), as stored
};

/// What the JPEG header says, as libjpeg parsed it.
typedef struct {
    int width;
    int height;
    int components;        // components in the file (1, 3 or 4)
    int pixels;            // ROOST_JPEG_PIXELS_*: what decoding will deliver
    int progressive;       // 1 for progressive (multi-scan) files
    int adobe_inverted;    // 1 when an Adobe APP14 marker says CMYK values are stored inverted
} roost_jpeg_header;

/// Allocates a decoder; NULL when out of memory.
roost_jpeg_decoder *roost_jpeg_create(void);
/// Releases the decoder and everything libjpeg allocated for it.
void roost_jpeg_destroy(roost_jpeg_decoder *decoder);

/// Reads the header of `size` bytes at `data` (which must outlive the decoder).
/// 0, -1 on error, -2 for a colour space we do not decode.
int roost_jpeg_read_header(roost_jpeg_decoder *decoder, const unsigned char *data, size_t size,
                           roost_jpeg_header *header);
/// Caps the memory libjpeg may use for this decoder's working buffers (not the output pixels).
void roost_jpeg_set_memory_limit(roost_jpeg_decoder *decoder, long bytes);
/// Starts decompression at `scale_num`/8 (1...16) and reports the output size. 0 or -1 on error.
int roost_jpeg_start(roost_jpeg_decoder *decoder, int scale_num,
                     int *output_width, int *output_height, int *bytes_per_pixel);
/// Decodes every remaining row into `pixels` (rows `row_stride` bytes apart). 0 or -1 on error.
int roost_jpeg_read_pixels(roost_jpeg_decoder *decoder, unsigned char *pixels, size_t row_stride);

/// The message of the last fatal error, or of the first warning when there was no error.
const char *roost_jpeg_message(const roost_jpeg_decoder *decoder);
/// How many corrupt-data warnings libjpeg recovered from so far.
int roost_jpeg_warning_count(const roost_jpeg_decoder *decoder);
/// 1 when the data ended before the image did (libjpeg's "Premature end of JPEG file").
int roost_jpeg_truncated(const roost_jpeg_decoder *decoder);

/// Encodes `height` rows of RGB pixels (`row_stride` bytes apart) as a baseline JPEG at `quality`
/// (1–100, 4:2:0 chroma, optimised Huffman tables). Returns 0 and sets `*out` / `*out_size` (free
/// with roost_jpeg_free), or -1 with libjpeg's message in `message`.
int roost_jpeg_encode_rgb(const unsigned char *pixels, int width, int height, size_t row_stride, int quality,
                          unsigned char **out, unsigned long *out_size, char *message, size_t message_size);
/// Frees a buffer from roost_jpeg_encode_rgb.
void roost_jpeg_free(unsigned char *buffer);

#endif
