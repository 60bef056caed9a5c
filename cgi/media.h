/* media.h — GET /media/{id}: a photo rendition, immutable and cached by everyone. */
#ifndef ORDERSYNC_MEDIA_H
#define ORDERSYNC_MEDIA_H

#include <stddef.h>

#include "router.h"

extern const struct route	media_routes[];
extern const size_t		media_nroutes;

#endif
