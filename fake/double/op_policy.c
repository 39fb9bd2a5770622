/* op_policy.c - resource policies on the fake's store: Put, Get, Delete, GetResourcePolicies. */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "fake_impl.h"

static gf_status hash_mismatch(gf_error *err, const char *condition, const char *arn)
{
  return gf_error_set(err, GF_CONDITION_CHECK_FAILURE,
                      "PolicyHashCondition '%s' does not match the hash of the current policy "
                      "of resource '%s'",
                      condition, arn);
}

gf_status gfi_op_put_resource_policy(
    gf_fake *fake, const gf_put_resource_policy_request *req,
    gf_put_resource_policy_response **out, gf_error *err)
{
  char computed[GF_HASH_SIZE];
  gfi_policy_hash(req->policy_in_json, computed);
  gf_put_resource_policy_response answer = {computed};
  gf_put_resource_policy_response *resp = gf_response_copy(GF_OP_PUT_RESOURCE_POLICY, &answer);
  policy_entry *fresh = gfi_calloc(1, sizeof *fresh);
  char *document = gfi_strdup(req->policy_in_json);
  char *hash = gfi_strdup(computed);
  if (!resp || !fresh || !document || !hash) {
    gf_put_resource_policy_response_free(resp);
    gfi_free(fresh);
    gfi_free(document);
    gfi_free(hash);
    return gfi_fake_out_of_memory(err, GF_OP_PUT_RESOURCE_POLICY);
  }

  gf_status status = GF_OK;
  char default_arn[GFI_DEFAULT_ARN_SIZE];
  pthread_mutex_lock(&fake->lock);
  gfi_store_default_arn(&fake->st, default_arn);
  const char *arn = req->resource_arn ? req->resource_arn : default_arn;
  const char *exists = req->policy_exists_condition;
  policy_entry *entry;
  HASH_FIND_STR(fake->st.policies, arn, entry);
  if (entry && exists && strcmp(exists, GF_POLICY_NOT_EXIST) == 0) {
    status = gf_error_set(err, GF_CONDITION_CHECK_FAILURE,
                          "A policy already exists for resource '%s' "
                          "(PolicyExistsCondition is NOT_EXIST)",
                          arn);
  } else if (!entry && exists && strcmp(exists, GF_POLICY_MUST_EXIST) == 0) {
    status = gf_error_set(err, GF_CONDITION_CHECK_FAILURE,
                          "No policy exists for resource '%s' (PolicyExistsCondition is "
                          "MUST_EXIST)",
                          arn);
  } else if (!entry && req->policy_hash_condition) {
    status = gf_error_set(err, GF_CONDITION_CHECK_FAILURE,
                          "PolicyHashCondition was given but no policy exists for resource "
                          "'%s'",
                          arn);
  } else if (entry && req->policy_hash_condition &&
             strcmp(req->policy_hash_condition, entry->hash) != 0) {
    status = hash_mismatch(err, req->policy_hash_condition, arn);
  } else if (entry) {
    /* Swap the new document and hash in; the old ones are freed below. */
    char *old = entry->document;
    entry->document = document;
    document = old;
    old = entry->hash;
    entry->hash = hash;
    hash = old;
    entry->update_time = gfi_store_clock_read(&fake->st);
  } else if (gfi_store_add_policy(&fake->st, fresh, arn) != 0) {
    status = gfi_fake_out_of_memory(err, GF_OP_PUT_RESOURCE_POLICY);
  } else {
    fresh->document = document;
    fresh->hash = hash;
    fresh->create_time = fresh->update_time = gfi_store_clock_read(&fake->st);
    fresh = NULL; /* now the store's */
    document = hash = NULL;
  }
  pthread_mutex_unlock(&fake->lock);

  gfi_store_free_policy(fresh);
  gfi_free(document);
  gfi_free(hash);
  *out = resp;
  return status;
}

gf_status gfi_op_get_resource_policy(
    gf_fake *fake, const gf_get_resource_policy_request *req,
    gf_get_resource_policy_response **out, gf_error *err)
{
  gf_status status = GF_OK;
  gf_get_resource_policy_response *resp = NULL;
  char default_arn[GFI_DEFAULT_ARN_SIZE];
  pthread_mutex_lock(&fake->lock);
  gfi_store_default_arn(&fake->st, default_arn);
  const char *arn = req->resource_arn ? req->resource_arn : default_arn;
  policy_entry *entry;
  HASH_FIND_STR(fake->st.policies, arn, entry);
  if (!entry) {
    status = gf_error_set(err, GF_ENTITY_NOT_FOUND, "Policy not found for resource '%s'", arn);
  } else {
    gf_get_resource_policy_response view = {entry->document, entry->hash, true,
                                            entry->create_time, true, entry->update_time};
    resp = gf_response_copy(GF_OP_GET_RESOURCE_POLICY, &view);
    if (!resp)
      status = gfi_fake_out_of_memory(err, GF_OP_GET_RESOURCE_POLICY);
  }
  pthread_mutex_unlock(&fake->lock);
  *out = resp;
  return status;
}

gf_status gfi_op_delete_resource_policy(
    gf_fake *fake, const gf_delete_resource_policy_request *req,
    gf_delete_resource_policy_response **out, gf_error *err)
{
  (void)out; /* it answers nothing: fake.c made its empty response */
  gf_status status = GF_OK;
  char default_arn[GFI_DEFAULT_ARN_SIZE];
  policy_entry *entry;
  pthread_mutex_lock(&fake->lock);
  gfi_store_default_arn(&fake->st, default_arn);
  const char *arn = req->resource_arn ? req->resource_arn : default_arn;
  HASH_FIND_STR(fake->st.policies, arn, entry);
  if (!entry) {
    status = gf_error_set(err, GF_ENTITY_NOT_FOUND, "Policy not found for resource '%s'", arn);
  } else if (req->policy_hash_condition && strcmp(req->policy_hash_condition, entry->hash)) {
    status = hash_mismatch(err, req->policy_hash_condition, arn);
    entry = NULL;
  } else {
    HASH_DEL(fake->st.policies, entry);
  }
  pthread_mutex_unlock(&fake->lock);

  gfi_store_free_policy(entry); /* NULL unless deleted */
  return status;
}

#define DEFAULT_PAGE_SIZE 100

static int by_arn(const void *a, const void *b)
{
  const policy_entry *const *x = a, *const *y = b;
  return strcmp((*x)->resource_arn, (*y)->resource_arn);
}

gf_status gfi_op_get_resource_policies(
    gf_fake *fake, const gf_get_resource_policies_request *req,
    gf_get_resource_policies_response **out, gf_error *err)
{
  size_t page = req->has_max_results ? (size_t)req->max_results : DEFAULT_PAGE_SIZE;
  gf_status status = GF_OK;
  gf_get_resource_policies_response *resp = NULL;
  char *after = NULL, *token = NULL;
  policy_entry **sorted = NULL;
  gf_glue_policy *items = NULL;
  pthread_mutex_lock(&fake->lock);
  int decoded = req->next_token
                    ? gfi_store_policy_token_decode(&fake->st, req->next_token, &after)
                    : 0;
  size_t total = HASH_COUNT(fake->st.policies), n = 0;
  if (decoded == -1) {
    status = gf_error_set(err, GF_INVALID_INPUT,
                          "Invalid NextToken: it was not issued by this fake for this state");
  } else if (decoded == -2 || !(sorted = gfi_malloc((total ? total : 1) * sizeof *sorted)) ||
             !(items = gfi_malloc((page < total ? page : total ? total : 1) * sizeof *items))) {
    status = gfi_fake_out_of_memory(err, GF_OP_GET_RESOURCE_POLICIES);
  } else {
    /* The policies after the token's ARN, in ARN order. */
    size_t count = 0;
    for (policy_entry *e = fake->st.policies; e; e = e->hh.next)
      if (!after || strcmp(e->resource_arn, after) > 0)
        sorted[count++] = e;
    qsort(sorted, count, sizeof *sorted, by_arn);
    for (; n < count && n < page; n++) {
      const policy_entry *e = sorted[n];
      items[n] = (gf_glue_policy){e->document, e->hash,        true,
                                  e->create_time, true, e->update_time};
    }
    if (n < count && !(token = gfi_store_policy_token_encode(&fake->st,
                                                             sorted[n - 1]->resource_arn))) {
      status = gfi_fake_out_of_memory(err, GF_OP_GET_RESOURCE_POLICIES);
    } else {
      /* An empty page lists [], not nothing. */
      gf_get_resource_policies_response answer = {items, n, token};
      if (!(resp = gf_response_copy(GF_OP_GET_RESOURCE_POLICIES, &answer)))
        status = gfi_fake_out_of_memory(err, GF_OP_GET_RESOURCE_POLICIES);
    }
  }
  pthread_mutex_unlock(&fake->lock);
  gfi_free(after);
  gfi_free(token);
  gfi_free(sorted);
  gfi_free(items);
  *out = resp;
  return status;
}
