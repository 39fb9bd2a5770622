/* glue_client.c - the example client module (see glue_client.h). */
#include "glue_client.h"

#include <stdlib.h>

#include "gluefake/json.h"
#include "gluefake/sys/backend.h"

static int is_ambiguous(gf_status status)
{
  return status == GF_OPERATION_TIMEOUT || status == GF_INTERNAL_SERVICE;
}

/* Whether the stored configuration `name` has the wanted encryption. */
static gf_status matches_existing(gf_backend *glue,
                                  const gf_create_security_configuration_request *want,
                                  int *same, gf_error *err)
{
  gf_get_security_configuration_request get = {want->name};
  gf_get_security_configuration_response *got = NULL;
  gf_status status = gf_get_security_configuration(glue, &get, &got, err);
  if (status != GF_OK)
    return status;
  gf_create_security_configuration_request existing = {
      want->name, got->security_configuration->encryption_configuration};
  cJSON *a = gf_request_to_json(GF_OP_CREATE_SECURITY_CONFIGURATION, want);
  cJSON *b = gf_request_to_json(GF_OP_CREATE_SECURITY_CONFIGURATION, &existing);
  *same = a && b && cJSON_Compare(a, b, 1);
  cJSON_Delete(a);
  cJSON_Delete(b);
  gf_get_security_configuration_response_free(got);
  return GF_OK;
}

gf_status glue_ensure_security_configuration(gf_backend *glue,
                                             const gf_create_security_configuration_request *want,
                                             unsigned max_attempts, gf_error *err)
{
  gf_status status = GF_INTERNAL_SERVICE;
  for (unsigned attempt = 0; attempt < max_attempts; attempt++) {
    status = gf_create_security_configuration(glue, want, NULL, err);
    if (status == GF_OK)
      return GF_OK;
    if (status == GF_ALREADY_EXISTS) {
      /* Ours (an earlier attempt that timed out but went through) or
       * someone else's: the same configuration is all that matters. */
      int same = 0;
      gf_status checked;
      do
        checked = matches_existing(glue, want, &same, err);
      while (is_ambiguous(checked) && ++attempt < max_attempts);
      if (checked != GF_OK)
        return checked;
      return same ? GF_OK : GF_ALREADY_EXISTS;
    }
    if (!is_ambiguous(status))
      return status;
  }
  return status;
}

gf_status glue_update_catalog_policy(gf_backend *glue, glue_policy_edit edit, void *ctx,
                                     unsigned max_attempts, gf_error *err)
{
  gf_status status = GF_INTERNAL_SERVICE;
  for (unsigned attempt = 0; attempt < max_attempts; attempt++) {
    gf_get_resource_policy_response *current = NULL;
    status = gf_get_resource_policy(glue, NULL, &current, err);
    if (status != GF_OK && status != GF_ENTITY_NOT_FOUND) {
      if (is_ambiguous(status))
        continue;
      return status;
    }
    char *document = edit(current ? current->policy_in_json : NULL, ctx);
    if (!document) {
      gf_get_resource_policy_response_free(current);
      return gf_error_set(err, GF_INTERNAL_SERVICE, "the policy edit gave up");
    }
    gf_put_resource_policy_request put = {document, NULL, NULL, NULL, NULL};
    if (current)
      put.policy_hash_condition = current->policy_hash;
    else
      put.policy_exists_condition = "NOT_EXIST";
    status = gf_put_resource_policy(glue, &put, NULL, err);
    free(document);
    gf_get_resource_policy_response_free(current);
    if (status == GF_OK)
      return GF_OK;
    if (status != GF_CONDITION_CHECK_FAILURE && !is_ambiguous(status))
      return status;
  }
  return status;
}
