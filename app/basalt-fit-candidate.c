/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "basalt-fit-candidate.h"

struct _BasaltFitCandidate
{
  GObject  parent_instance;
  char    *stage;
  guint64  evaluation;
  double   value;
  double  *x;
  guint    n;
  char    *parameters;
};

G_DEFINE_FINAL_TYPE (BasaltFitCandidate, basalt_fit_candidate, G_TYPE_OBJECT)

enum { PROP_0, PROP_STAGE, PROP_EVALUATION, PROP_VALUE, PROP_PARAMETERS, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
basalt_fit_candidate_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  BasaltFitCandidate *self = BASALT_FIT_CANDIDATE (object);

  switch (prop_id)
    {
    case PROP_STAGE:
      g_value_set_string (value, self->stage);
      break;
    case PROP_EVALUATION:
      g_value_set_uint64 (value, self->evaluation);
      break;
    case PROP_VALUE:
      g_value_set_double (value, self->value);
      break;
    case PROP_PARAMETERS:
      g_value_set_string (value, self->parameters);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
basalt_fit_candidate_finalize (GObject *object)
{
  BasaltFitCandidate *self = BASALT_FIT_CANDIDATE (object);

  g_free (self->stage);
  g_free (self->x);
  g_free (self->parameters);
  G_OBJECT_CLASS (basalt_fit_candidate_parent_class)->finalize (object);
}

static void
basalt_fit_candidate_class_init (BasaltFitCandidateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = basalt_fit_candidate_get_property;
  object_class->finalize = basalt_fit_candidate_finalize;
  properties[PROP_STAGE] = g_param_spec_string ("stage", NULL, NULL, NULL,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_EVALUATION] = g_param_spec_uint64 ("evaluation", NULL, NULL, 0, G_MAXUINT64, 0,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_VALUE] = g_param_spec_double ("value", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PARAMETERS] = g_param_spec_string ("parameters", NULL, NULL, NULL,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
basalt_fit_candidate_init (BasaltFitCandidate *self)
{
}

BasaltFitCandidate *
basalt_fit_candidate_new (const char        *stage,
                          guint64            evaluation,
                          double             value,
                          const double      *x,
                          guint              n,
                          const char *const *names)
{
  BasaltFitCandidate *self = g_object_new (BASALT_TYPE_FIT_CANDIDATE, NULL);
  GString *text = g_string_new (NULL);

  self->stage = g_strdup (stage);
  self->evaluation = evaluation;
  /* An infinite value (a failed simulation) sorts last without breaking the property range. */
  self->value = isfinite (value) ? value : G_MAXDOUBLE;
  self->x = g_memdup2 (x, MAX (n, 1) * sizeof (double));
  self->n = n;
  for (guint k = 0; k < n; k++)
    g_string_append_printf (text, "%s%s=%.6g", k > 0 ? " " : "", names[k], x[k]);
  self->parameters = g_string_free (text, FALSE);
  return self;
}

const double *
basalt_fit_candidate_get_x (BasaltFitCandidate *self,
                            guint              *n)
{
  if (n != NULL)
    *n = self->n;
  return self->x;
}
