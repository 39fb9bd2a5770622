/*
 * gluefake.h - everything a test of a Glue client needs: the types, the
 * client calls, the fake and its JSON level.
 */
#ifndef GLUEFAKE_H
#define GLUEFAKE_H

#include "gluefake/types.h"
#include "gluefake/client.h"
#include "gluefake/fake.h"
#include "gluefake/json.h"

#endif
