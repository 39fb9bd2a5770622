/*
 * gluefake.h - everything a test of a Glue client needs: the types, the
 * client calls, the fake, its fault injector, call log and sweeps, and its
 * JSON level.  (gluefake/cmocka.h, the cmocka assertions, is separate.)
 */
#ifndef GLUEFAKE_H
#define GLUEFAKE_H

#include "gluefake/operations.h"
#include "gluefake/errors.h"
#include "gluefake/types.h"
#include "gluefake/buffer.h"
#include "gluefake/file.h"
#include "gluefake/client.h"
#include "gluefake/calls.h"
#include "gluefake/faults.h"
#include "gluefake/fake.h"
#include "gluefake/sweep.h"
#include "gluefake/json.h"
#include "gluefake/fixture.h"
#include "gluefake/transcript.h"
#include "gluefake/server.h"

#endif
