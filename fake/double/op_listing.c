/* op_listing.c - GetSecurityConfigurations: pages of the fake's store in
 * creation order, resumed from a NextToken. */
#include <string.h>

#include "core/alloc.h"
#include "fake_impl.h"

#define DEFAULT_PAGE_SIZE 100

/* How many configurations ahead of the one being copied a page fetches
 * (gfi_prefetch_block): the copy of one takes about as long as memory takes
 * to deliver one. */
#define LISTING_PREFETCH_DISTANCE 8

static void prefetch_entry(const order_slot *slot)
{
  gfi_prefetch_block(slot->entry, sizeof *slot->entry + slot->packed_size);
}

/* The listing response in one block: the response, the array of
 * configurations, each one's pointees (copied as bytes from its packed
 * block, pointers moved) and the token.  NULL when out of memory. */
static gf_get_security_configurations_response *
pack_listing(const order_slot *const *picked, size_t n, const char *token)
{
  const size_t head = GF_PACK_OFFSET(sizeof(gf_security_configuration));
  size_t total = GF_PACK_OFFSET(sizeof(gf_get_security_configurations_response)) +
                 GF_PACK_OFFSET(n * sizeof(gf_security_configuration));
  for (size_t i = 0; i < n; i++)
    total += GF_PACK_OFFSET(picked[i]->packed_size - head);
  size_t token_len = token ? strlen(token) + 1 : 0;
  gf_get_security_configurations_response *resp = gfi_malloc(total + token_len);
  if (!resp)
    return NULL;
  gf_security_configuration *items =
      (gf_security_configuration *)(void *)((char *)resp + GF_PACK_OFFSET(sizeof *resp));
  char *tail = (char *)items + GF_PACK_OFFSET(n * sizeof *items);
  for (size_t i = 0; i < n; i++) {
    if (i + LISTING_PREFETCH_DISTANCE < n)
      prefetch_entry(picked[i + LISTING_PREFETCH_DISTANCE]);
    const gf_security_configuration *config = picked[i]->entry->config;
    const char *from = (const char *)config + head;
    size_t tail_len = picked[i]->packed_size - head;
    items[i] = *config;
    memcpy(tail, from, tail_len);
    gfi_shape_relocate(&gfi_shape_security_configuration, &items[i], from, tail);
    tail += GF_PACK_OFFSET(tail_len);
  }
  resp->security_configurations = items; /* an empty page lists [], not nothing */
  resp->security_configurations_count = n;
  resp->next_token = token ? memcpy(tail, token, token_len) : NULL;
  return resp;
}

gf_status gfi_op_get_security_configurations(
    gf_fake *fake, const gf_get_security_configurations_request *req,
    gf_get_security_configurations_response **out, gf_error *err)
{
  size_t page = req->has_max_results ? (size_t)req->max_results : DEFAULT_PAGE_SIZE;
  const order_slot **picked = gfi_malloc(page * sizeof *picked);
  if (!picked)
    return gfi_fake_out_of_memory(err, GF_OP_GET_SECURITY_CONFIGURATIONS);

  gf_get_security_configurations_response *resp = NULL;
  gf_status status = GF_OK;
  pthread_mutex_lock(&fake->lock);
  uint64_t cursor = 0;
  size_t at = 0, n = 0;
  if (req->next_token && gfi_store_token_decode(&fake->st, req->next_token, &cursor) != 0) {
    status = gf_error_set(err, GF_INVALID_INPUT,
                          "Invalid NextToken: it was not issued by this fake for this state");
  } else {
    if (req->next_token)
      at = gfi_store_order_after(&fake->st, cursor);
    for (; at < fake->st.order_len && n < page; at++) {
      const order_slot *slot = &fake->st.order[at];
      if (slot->entry) {
        if (n < LISTING_PREFETCH_DISTANCE)
          prefetch_entry(slot);
        picked[n++] = slot;
        cursor = slot->seq;
      }
    }
    while (at < fake->st.order_len && !fake->st.order[at].entry)
      at++;
    char token[GF_HASH_SIZE];
    if (at < fake->st.order_len) /* more follow */
      gfi_store_token_encode(&fake->st, cursor, token);
    if (!(resp = pack_listing(picked, n, at < fake->st.order_len ? token : NULL)))
      status = gfi_fake_out_of_memory(err, GF_OP_GET_SECURITY_CONFIGURATIONS);
  }
  pthread_mutex_unlock(&fake->lock);
  gfi_free(picked);
  *out = resp;
  return status;
}
