// Why this shim exists: Swift cannot call libjpeg directly for three reasons.
//  1. libjpeg reports fatal errors through `error_exit`, which must never return; the default
//     calls exit(). The only safe way back is setjmp/longjmp, and Swift cannot use setjmp.
//  2. `jpeg_create_decompress` is a macro (it passes the library version and struct size).
//  3. The default message handler prints warnings on stderr; we count them instead. Two of them
//     mean the data ends before the image does, and libjpeg would go on filling the rest with
//     grey: "Premature end of JPEG file" (the bytes run out) and a scan running into the
//     end-of-image marker while the frame still wants pixels (a frame header promising more than
//     the data holds, or data cut short with its end marker put back). Those end the decode as
//     the errors they are (truncated_jpeg); the other warnings are damage libjpeg recovers from.
// Each exported function that calls into libjpeg sets its own setjmp point, so a longjmp
// always lands in a live frame. Nothing here allocates per pixel; rows go straight into the
// caller's buffer.
#include "cjpeg.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

// Progressive files can hold any number of scans; a hostile one with thousands of tiny scans
// costs minutes of CPU. Real encoders write at most a few dozen.
#define ROOST_MAX_SCANS 500

struct roost_jpeg_decoder {
    struct jpeg_decompress_struct cinfo;  // first, so a j_common_ptr is also a decoder pointer
    struct jpeg_error_mgr error;
    struct jpeg_progress_mgr progress;
    jmp_buf jump;
    int created;
    int warnings;
    int truncated;
    int failed;
    char message[JMSG_LENGTH_MAX];
};

static void on_error_exit(j_common_ptr cinfo) {
    roost_jpeg_decoder *decoder = (roost_jpeg_decoder *)cinfo;
    (*cinfo->err->format_message)(cinfo, decoder->message);
    decoder->failed = 1;
    longjmp(decoder->jump, 1);
}

// True when warning `code` says the data ended before the image did: the memory source ran out
// (it then feeds libjpeg a fake end marker), or the entropy decoder met the end-of-image marker
// while it still needed data, either mid-scan (JWRN_HIT_MARKER) or where it wanted a restart
// marker (JWRN_MUST_RESYNC). Any other marker there is corruption that libjpeg recovers from.
static int ends_before_image(j_decompress_ptr cinfo, int code) {
    if (code == JWRN_JPEG_EOF) return 1;
    return (code == JWRN_HIT_MARKER || code == JWRN_MUST_RESYNC) && cinfo->unread_marker == JPEG_EOI;
}

static void on_emit_message(j_common_ptr cinfo, int level) {
    roost_jpeg_decoder *decoder = (roost_jpeg_decoder *)cinfo;
    if (level >= 0) return;  // trace messages: ignore
    decoder->warnings += 1;
    if (ends_before_image(&decoder->cinfo, cinfo->err->msg_code)) {
        // Truncation is an error, not damage to recover from: stop here, as error_exit would,
        // instead of decoding the missing rest as grey.
        if (cinfo->err->msg_code == JWRN_JPEG_EOF) {
            (*cinfo->err->format_message)(cinfo, decoder->message);  // "Premature end of JPEG file"
        } else {
            snprintf(decoder->message, sizeof decoder->message,
                     "JPEG data ends before the image does: the scan data reaches the end-of-image marker "
                     "with the frame incomplete");
        }
        decoder->truncated = 1;
        decoder->failed = 1;
        longjmp(decoder->jump, 1);
    }
    if (decoder->warnings == 1 && !decoder->failed) {
        (*cinfo->err->format_message)(cinfo, decoder->message);
    }
}

static void on_output_message(j_common_ptr cinfo) { (void)cinfo; }

static void on_progress(j_common_ptr cinfo) {
    roost_jpeg_decoder *decoder = (roost_jpeg_decoder *)cinfo;
    if (decoder->cinfo.input_scan_number > ROOST_MAX_SCANS) {
        snprintf(decoder->message, sizeof decoder->message, "more than %d scans", ROOST_MAX_SCANS);
        decoder->failed = 1;
        longjmp(decoder->jump, 1);
    }
}

roost_jpeg_decoder *roost_jpeg_create(void) {
    roost_jpeg_decoder *decoder = calloc(1, sizeof(roost_jpeg_decoder));
    if (decoder == NULL) return NULL;
    decoder->cinfo.err = jpeg_std_error(&decoder->error);
    decoder->error.error_exit = on_error_exit;
    decoder->error.emit_message = on_emit_message;
    decoder->error.output_message = on_output_message;
    if (setjmp(decoder->jump)) {  // jpeg_create_decompress fails only when out of memory
        jpeg_destroy_decompress(&decoder->cinfo);
        free(decoder);
        return NULL;
    }
    jpeg_create_decompress(&decoder->cinfo);
    decoder->created = 1;
    decoder->progress.progress_monitor = on_progress;
    decoder->cinfo.progress = &decoder->progress;
    return decoder;
}

void roost_jpeg_destroy(roost_jpeg_decoder *decoder) {
    if (decoder == NULL) return;
    if (decoder->created) jpeg_destroy_decompress(&decoder->cinfo);
    free(decoder);
}

int roost_jpeg_read_header(roost_jpeg_decoder *decoder, const unsigned char *data, size_t size,
                           roost_jpeg_header *header) {
    j_decompress_ptr cinfo = &decoder->cinfo;
    if (setjmp(decoder->jump)) return -1;
    jpeg_mem_src(cinfo, data, (unsigned long)size);
    jpeg_read_header(cinfo, TRUE);
    header->width = (int)cinfo->image_width;
    header->height = (int)cinfo->image_height;
    header->components = cinfo->num_components;
    header->progressive = jpeg_has_multiple_scans(cinfo) ? 1 : 0;
    header->adobe_inverted = cinfo->saw_Adobe_marker ? 1 : 0;
    switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE:
    case JCS_YCbCr:
    case JCS_RGB:
        header->pixels = ROOST_JPEG_PIXELS_RGB;
        cinfo->out_color_space = JCS_EXT_RGB;
        break;
    case JCS_CMYK:
    case JCS_YCCK:
        header->pixels = ROOST_JPEG_PIXELS_CMYK;
        cinfo->out_color_space = JCS_CMYK;
        break;
    default:
        snprintf(decoder->message, sizeof decoder->message,
                 "unsupported JPEG colour space %d", (int)cinfo->jpeg_color_space);
        return -2;
    }
    return 0;
}

void roost_jpeg_set_memory_limit(roost_jpeg_decoder *decoder, long bytes) {
    // libjpeg's own working memory (progressive coefficient buffers above all); with no backing
    // store configured, a file needing more fails with "Insufficient memory" instead of growing.
    decoder->cinfo.mem->max_memory_to_use = bytes;
}

int roost_jpeg_start(roost_jpeg_decoder *decoder, int scale_num,
                     int *output_width, int *output_height, int *bytes_per_pixel) {
    j_decompress_ptr cinfo = &decoder->cinfo;
    if (setjmp(decoder->jump)) return -1;
    cinfo->scale_num = (unsigned int)scale_num;
    cinfo->scale_denom = 8;
    jpeg_start_decompress(cinfo);  // progressive files are read whole here
    *output_width = (int)cinfo->output_width;
    *output_height = (int)cinfo->output_height;
    *bytes_per_pixel = cinfo->output_components;
    return 0;
}

int roost_jpeg_read_pixels(roost_jpeg_decoder *decoder, unsigned char *pixels, size_t row_stride) {
    j_decompress_ptr cinfo = &decoder->cinfo;
    JSAMPROW rows[16];
    if (setjmp(decoder->jump)) return -1;
    while (cinfo->output_scanline < cinfo->output_height) {
        JDIMENSION first = cinfo->output_scanline;
        JDIMENSION count = cinfo->output_height - first;
        if (count > 16) count = 16;
        for (JDIMENSION i = 0; i < count; i++) rows[i] = pixels + (size_t)(first + i) * row_stride;
        if (jpeg_read_scanlines(cinfo, rows, count) == 0) break;  // cannot happen with a memory source
    }
    // Not jpeg_finish_decompress: every pixel is out, and bytes after the image are not our business.
    jpeg_abort_decompress(cinfo);
    return 0;
}

const char *roost_jpeg_message(const roost_jpeg_decoder *decoder) { return decoder->message; }

int roost_jpeg_warning_count(const roost_jpeg_decoder *decoder) { return decoder->warnings; }

int roost_jpeg_truncated(const roost_jpeg_decoder *decoder) { return decoder->truncated; }

// ---- Encoding (image sizes made by the workers) ----

typedef struct {
    struct jpeg_compress_struct cinfo;  // first, so a j_common_ptr is also an encoder pointer
    struct jpeg_error_mgr error;
    jmp_buf jump;
    unsigned char *buffer;              // on the heap with the rest: safe to read after longjmp
    unsigned long size;
    char message[JMSG_LENGTH_MAX];
} roost_jpeg_encoder;

static void on_encode_error(j_common_ptr cinfo) {
    roost_jpeg_encoder *encoder = (roost_jpeg_encoder *)cinfo;
    (*cinfo->err->format_message)(cinfo, encoder->message);
    longjmp(encoder->jump, 1);
}

int roost_jpeg_encode_rgb(const unsigned char *pixels, int width, int height, size_t row_stride, int quality,
                          unsigned char **out, unsigned long *out_size, char *message, size_t message_size) {
    roost_jpeg_encoder *encoder = calloc(1, sizeof(roost_jpeg_encoder));
    if (encoder == NULL) { snprintf(message, message_size, "out of memory"); return -1; }
    encoder->cinfo.err = jpeg_std_error(&encoder->error);
    encoder->error.error_exit = on_encode_error;
    encoder->error.output_message = on_output_message;
    if (setjmp(encoder->jump)) {
        snprintf(message, message_size, "%s", encoder->message);
        jpeg_destroy_compress(&encoder->cinfo);
        free(encoder->buffer);
        free(encoder);
        return -1;
    }
    jpeg_create_compress(&encoder->cinfo);
    jpeg_mem_dest(&encoder->cinfo, &encoder->buffer, &encoder->size);
    encoder->cinfo.image_width = (JDIMENSION)width;
    encoder->cinfo.image_height = (JDIMENSION)height;
    encoder->cinfo.input_components = 3;
    encoder->cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&encoder->cinfo);
    jpeg_set_quality(&encoder->cinfo, quality, TRUE);
    encoder->cinfo.optimize_coding = TRUE;
    jpeg_start_compress(&encoder->cinfo, TRUE);
    while (encoder->cinfo.next_scanline < encoder->cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)encoder->cinfo.next_scanline * row_stride);
        jpeg_write_scanlines(&encoder->cinfo, &row, 1);
    }
    jpeg_finish_compress(&encoder->cinfo);
    *out = encoder->buffer;
    *out_size = encoder->size;
    jpeg_destroy_compress(&encoder->cinfo);
    free(encoder);
    return 0;
}

void roost_jpeg_free(unsigned char *buffer) { free(buffer); }
