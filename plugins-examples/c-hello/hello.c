/*
 * c-hello: a Ruru plugin written in C against hook-api/include/ruru_hooks.h.
 *
 * README: build with
 *     cc -shared -fPIC -I hook-api/include -o libc_hello.so plugins-examples/c-hello/hello.c
 * and list it in "hooks-libraries" ({"library": "/path/to/libc_hello.so"}). It logs the xid of every
 * DHCPv4 query (logger "<process>.c-hello") and sets option 252 to "c-plugin" in every response.
 * docs/hooks.md explains the ABI.
 */

#include <stdio.h>
#include <string.h>

#include "ruru_hooks.h"

/* A RuruStr over a string literal, usable in static initialisers. */
#define LIT(s) {(const uint8_t *)(s), sizeof(s) - 1}

/* The server's function table: valid for the life of the process, so keeping the pointer is fine. */
static const RuruHostApi *host;

static RuruStr str_of(const char *s) {
    RuruStr r = {(const uint8_t *)s, strlen(s)};
    return r;
}

static void log_info(const char *message) {
    host->log(str_of("c-hello"), RURU_LOG_INFO, str_of(message));
}

/* Reads the packet object stored in argument `name`; NULL when absent. */
static RuruObject *packet(RuruCalloutHandle *handle, const char *name) {
    RuruValue v;
    if (host->get_argument(handle, str_of(name), &v) != RURU_OK || v.kind != RURU_VALUE_OBJECT) {
        return NULL;
    }
    return v.object;
}

/* pkt4_receive: log the transaction id of the query. */
static int32_t on_pkt4_receive(RuruCalloutHandle *handle) {
    RuruObject *query = packet(handle, "query4");
    RuruValue xid;
    if (query == NULL || host->get_field(query, str_of("xid"), &xid) != RURU_OK) {
        return 1; /* logged by the server as a callout error; processing goes on */
    }
    char message[64];
    snprintf(message, sizeof message, "query received, xid 0x%08x", (unsigned)xid.num);
    log_info(message);
    return 0;
}

/* pkt4_send: add option 252 (or replace the server's) in the response. */
static int32_t on_pkt4_send(RuruCalloutHandle *handle) {
    static const RuruStr payload = LIT("c-plugin");
    RuruObject *response = packet(handle, "response4");
    if (response == NULL) {
        return 1;
    }
    return host->set_option(response, 252, payload) == RURU_OK ? 0 : 1;
}

/* load: callouts can also be registered here, on any point, under any function. */
static int32_t load(RuruLibraryHandle *library) {
    if (host->register_callout(library, str_of("pkt4_send"), on_pkt4_send) != RURU_OK) {
        return 1;
    }
    log_info("c-hello loaded");
    return 0;
}

/* Callouts only read the host table: safe on several threads at once. */
static int32_t multi_threading_compatible(void) {
    return 1;
}

/* Registered by point name before load runs. */
static const RuruCalloutDecl callouts[] = {
    {LIT("pkt4_receive"), on_pkt4_receive},
};

static const RuruPluginDescriptor descriptor = {
    .abi_major = RURU_HOOK_ABI_MAJOR,
    .abi_minor = RURU_HOOK_ABI_MINOR,
    .struct_size = sizeof(RuruPluginDescriptor),
    .name = LIT("c-hello"),
    .multi_threading_compatible = multi_threading_compatible,
    .load = load,
    .unload = NULL,
    .callouts = callouts,
    .callouts_len = sizeof callouts / sizeof callouts[0],
};

const RuruPluginDescriptor *ruru_plugin_descriptor(const RuruHostApi *h) {
    host = h;
    return &descriptor;
}
