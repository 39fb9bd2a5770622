/* op_config.c - Create, Delete and GetSecurityConfiguration on the fake's store. */
#include <string.h>

#include "core/alloc.h"
#include "fake_impl.h"

gf_status gfi_op_create_security_configuration(
    gf_fake *fake, const gf_create_security_configuration_request *req,
    gf_create_security_configuration_response **out, gf_error *err)
{
  const gf_create_security_configuration_response answer = {req->name, false, 0};
  gf_create_security_configuration_response *resp =
      gf_response_copy(GF_OP_CREATE_SECURITY_CONFIGURATION, &answer);
  gf_security_configuration given = {req->name, false, 0, req->encryption_configuration};
  config_entry *fresh = gfi_store_new_config(&given);
  if (!resp || !fresh) {
    gf_create_security_configuration_response_free(resp);
    gfi_free(fresh);
    return gfi_fake_out_of_memory(err, GF_OP_CREATE_SECURITY_CONFIGURATION);
  }

  gf_status status = GF_OK;
  pthread_mutex_lock(&fake->lock);
  unsigned hashv;
  config_entry *existing = gfi_store_find_config(&fake->st, req->name, &hashv);
  if (existing) {
    status = gf_error_set(err, GF_ALREADY_EXISTS,
                          "Security configuration '%s' already exists", req->name);
  } else if (fake->st.config_limit != GF_NO_LIMIT &&
             HASH_COUNT(fake->st.configs) >= fake->st.config_limit) {
    status = gf_error_set(err, GF_RESOURCE_NUMBER_LIMIT_EXCEEDED,
                          "The number of security configurations would exceed the limit "
                          "of %zu",
                          fake->st.config_limit);
  } else {
    double now = fake->st.fixed_clock ? fake->st.clock_now : gfi_store_clock_read(&fake->st);
    fresh->config->has_created_time_stamp = true;
    fresh->config->created_time_stamp = now;
    if (gfi_store_add_config(&fake->st, fresh, hashv) == 0) {
      if (fake->st.fixed_clock)
        gfi_store_clock_read(&fake->st); /* a fixed clock advances only for a real create */
      resp->has_created_timestamp = true;
      resp->created_timestamp = now;
      fresh = NULL;
    } else {
      status = gfi_fake_out_of_memory(err, GF_OP_CREATE_SECURITY_CONFIGURATION);
    }
  }
  pthread_mutex_unlock(&fake->lock);

  gfi_store_free_config(fresh);
  *out = resp;
  return status;
}

gf_status gfi_op_delete_security_configuration(
    gf_fake *fake, const gf_delete_security_configuration_request *req,
    gf_delete_security_configuration_response **out, gf_error *err)
{
  (void)out; /* it answers nothing: fake.c made its empty response */
  pthread_mutex_lock(&fake->lock);
  config_entry *entry = gfi_store_find_config(&fake->st, req->name, NULL);
  if (entry)
    gfi_store_remove_config(&fake->st, entry);
  pthread_mutex_unlock(&fake->lock);

  if (!entry)
    return gf_error_set(err, GF_ENTITY_NOT_FOUND, "Security configuration '%s' not found",
                        req->name);
  gfi_store_free_config(entry);
  return GF_OK;
}

gf_status gfi_op_get_security_configuration(
    gf_fake *fake, const gf_get_security_configuration_request *req,
    gf_get_security_configuration_response **out, gf_error *err)
{
  gf_get_security_configuration_response *resp = NULL;
  pthread_mutex_lock(&fake->lock);
  config_entry *entry = gfi_store_find_config(&fake->st, req->name, NULL);
  if (entry) {
    /* The stored configuration is packed: copied as bytes, not walked. */
    resp = gfi_shape_repack_after(&gfi_shape_security_configuration, entry->config,
                                 entry->packed_size, sizeof *resp);
    if (resp)
      resp->security_configuration =
          (const gf_security_configuration *)(void *)((char *)resp +
                                                      GF_PACK_OFFSET(sizeof *resp));
  }
  pthread_mutex_unlock(&fake->lock);

  if (!entry)
    return gf_error_set(err, GF_ENTITY_NOT_FOUND, "Security configuration '%s' not found",
                        req->name);
  if (!resp)
    return gfi_fake_out_of_memory(err, GF_OP_GET_SECURITY_CONFIGURATION);
  *out = resp;
  return GF_OK;
}
