/* settings.c - what a test sets on a fake and reads back: account id, region,
 * clock, configuration limit. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fake_impl.h"

gf_status gf_fake_set_account_id(gf_fake *fake, const char *account_id, gf_error *err)
{
  if (!gfi_valid_account_id(account_id))
    return gf_error_set(err, GF_INVALID_INPUT, "account id '%s' is not 12 digits",
                        account_id ? account_id : "(null)");
  pthread_mutex_lock(&fake->lock);
  memcpy(fake->st.account_id, account_id, sizeof fake->st.account_id);
  pthread_mutex_unlock(&fake->lock);
  return GF_OK;
}

void gf_fake_account_id(gf_fake *fake, char buf[13])
{
  pthread_mutex_lock(&fake->lock);
  memcpy(buf, fake->st.account_id, 13);
  pthread_mutex_unlock(&fake->lock);
}

gf_status gf_fake_set_region(gf_fake *fake, const char *region, gf_error *err)
{
  if (!gfi_valid_region(region))
    return gfi_invalid_region(err, region);
  pthread_mutex_lock(&fake->lock);
  snprintf(fake->st.region, sizeof fake->st.region, "%s", region);
  pthread_mutex_unlock(&fake->lock);
  return GF_OK;
}

void gf_fake_region(gf_fake *fake, char buf[GF_REGION_SIZE])
{
  pthread_mutex_lock(&fake->lock);
  memcpy(buf, fake->st.region, GF_REGION_SIZE);
  pthread_mutex_unlock(&fake->lock);
}

gf_status gf_fake_set_clock(gf_fake *fake, double now, double step, gf_error *err)
{
  if (!isfinite(now) || !isfinite(step) || now < 0 || step < 0)
    return gf_error_set(err, GF_INVALID_INPUT,
                        "clock: now and step must be finite numbers >= 0");
  pthread_mutex_lock(&fake->lock);
  fake->st.fixed_clock = 1;
  fake->st.clock_now = now;
  fake->st.clock_step = step;
  pthread_mutex_unlock(&fake->lock);
  return GF_OK;
}

void gf_fake_set_real_clock(gf_fake *fake)
{
  pthread_mutex_lock(&fake->lock);
  fake->st.fixed_clock = 0;
  pthread_mutex_unlock(&fake->lock);
}

double gf_fake_now(gf_fake *fake)
{
  pthread_mutex_lock(&fake->lock);
  double now = gfi_store_clock_read(&fake->st);
  pthread_mutex_unlock(&fake->lock);
  return now;
}

void gf_fake_set_security_configuration_limit(gf_fake *fake, size_t limit)
{
  pthread_mutex_lock(&fake->lock);
  fake->st.config_limit = limit;
  pthread_mutex_unlock(&fake->lock);
}

size_t gf_fake_security_configuration_count(gf_fake *fake)
{
  pthread_mutex_lock(&fake->lock);
  size_t n = HASH_COUNT(fake->st.configs);
  pthread_mutex_unlock(&fake->lock);
  return n;
}
