#ifndef TIDE_CAVAHI_SHIM_H
#define TIDE_CAVAHI_SHIM_H

// The Avahi client API used by TideDiscovery (pkg-config: avahi-client).
#include <avahi-client/client.h>
#include <avahi-client/lookup.h>
#include <avahi-client/publish.h>
#include <avahi-common/thread-watch.h>
#include <avahi-common/error.h>
#include <avahi-common/strlst.h>
#include <avahi-common/malloc.h>
#include <avahi-common/alternative.h>
#include <avahi-common/timeval.h>
#include <avahi-common/address.h>

#endif
