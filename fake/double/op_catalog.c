/* op_catalog.c - Get and PutDataCatalogEncryptionSettings on the fake's store. */
#include <string.h>

#include "core/alloc.h"
#include "fake_impl.h"

gf_status gfi_op_get_data_catalog_encryption_settings(
    gf_fake *fake, const gf_get_data_catalog_encryption_settings_request *req,
    gf_get_data_catalog_encryption_settings_response **out, gf_error *err)
{
  static const gf_encryption_at_rest default_at_rest = {GF_MODE_DISABLED, NULL, NULL};
  static const gf_connection_password_encryption default_password = {false, NULL, true};

  gf_get_data_catalog_encryption_settings_response *resp;
  pthread_mutex_lock(&fake->lock);
  const char *catalog_id = req->catalog_id ? req->catalog_id : fake->st.account_id;
  catalog_entry *entry;
  HASH_FIND_STR(fake->st.catalogs, catalog_id, entry);
  /* A catalog never set, or a member never put, reads as the default. */
  gf_data_catalog_encryption_settings view = {&default_at_rest, &default_password};
  if (entry && entry->settings->encryption_at_rest)
    view.encryption_at_rest = entry->settings->encryption_at_rest;
  if (entry && entry->settings->connection_password_encryption)
    view.connection_password_encryption = entry->settings->connection_password_encryption;
  gf_get_data_catalog_encryption_settings_response answer = {&view};
  resp = gf_response_copy(GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, &answer);
  pthread_mutex_unlock(&fake->lock);

  if (!resp)
    return gfi_fake_out_of_memory(err, GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS);
  *out = resp;
  return GF_OK;
}

gf_status gfi_op_put_data_catalog_encryption_settings(
    gf_fake *fake, const gf_put_data_catalog_encryption_settings_request *req,
    gf_put_data_catalog_encryption_settings_response **out, gf_error *err)
{
  (void)out; /* it answers nothing: fake.c made its empty response */
  catalog_entry *fresh = gfi_calloc(1, sizeof *fresh);
  if (!fresh || !(fresh->settings = gfi_shape_pack(&gfi_shape_data_catalog_encryption_settings,
                                                   req->data_catalog_encryption_settings))) {
    gfi_store_free_catalog(fresh);
    return gfi_fake_out_of_memory(err, GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS);
  }

  gf_status status = GF_OK;
  pthread_mutex_lock(&fake->lock);
  const char *catalog_id = req->catalog_id ? req->catalog_id : fake->st.account_id;
  catalog_entry *entry;
  HASH_FIND_STR(fake->st.catalogs, catalog_id, entry);
  if (entry) {
    /* Swap the settings in; the old ones leave with `fresh`. */
    gf_data_catalog_encryption_settings *old = entry->settings;
    entry->settings = fresh->settings;
    fresh->settings = old;
  } else if (gfi_store_add_catalog(&fake->st, fresh, catalog_id) == 0) {
    fresh = NULL; /* now the store's */
  } else {
    status = gfi_fake_out_of_memory(err, GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS);
  }
  pthread_mutex_unlock(&fake->lock);

  gfi_store_free_catalog(fresh);
  return status;
}
