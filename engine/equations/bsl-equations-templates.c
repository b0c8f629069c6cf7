/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "bsl-equations-templates.h"
#include "bsl-error.h"
#include "bsl-graph-private.h"

/* Lava's floating LIF (PyLifModelFloat) step by step: u = u*(1-du) + a_in;
 * v = v*(1-dv) + u + bias_mant; spike where v > vth, then v = 0. Written with forward Euler,
 * where x + dt*(f/dt) is the update f. The input lands in I, which the same step empties, so
 * it is added to u after u's decay and v sees the new u, in Lava's order. */
static const BslPresetValue lava_lif_values[] = {
  { "du", 0.1 }, { "dv", 0.1 }, { "bias_mant", 0 }, { "vth", 10 }, { NULL, 0 },
};

/* Brette & Gerstner (2005), tonic spiking; the spike is cut at Vcut. */
static const BslPresetValue adex_values[] = {
  { "Cm", 281e-12 }, { "gL", 30e-9 }, { "EL", -70.6e-3 }, { "VT", -50.4e-3 },
  { "DeltaT", 2e-3 }, { "tauw", 144e-3 }, { "a", 4e-9 }, { "b", 0.0805e-9 },
  { "Vr", -70.6e-3 }, { "Vcut", -40.4e-3 }, { "I_ext", 1e-9 }, { "vm", -70.6e-3 },
  { NULL, 0 },
};

/* Izhikevich (2003), regular spiking, driven by a constant I_ext as in the paper's figures. */
static const BslPresetValue izhikevich_values[] = {
  { "a", 0.02 }, { "b", 0.2 }, { "c", -65e-3 }, { "d", 8e-3 }, { "I_ext", 10e-3 },
  { "v", -65e-3 }, { "u", -13e-3 }, { NULL, 0 },
};

/* Conductances instead of currents: the input opens excitatory channels. */
static const BslPresetValue cond_lif_values[] = {
  { "C", 200e-12 }, { "g_L", 10e-9 }, { "E_L", -70e-3 }, { "E_e", 0 }, { "E_i", -80e-3 },
  { "tau_e", 5e-3 }, { "tau_i", 10e-3 }, { "v_th", -50e-3 }, { "v_reset", -70e-3 },
  { "v", -70e-3 }, { NULL, 0 },
};

static const BslEquationsTemplate templates[] = {
  { "lif_synaptic_current", "LIF with synaptic current",
    "Leaky integrate-and-fire with a synaptic current (SI units)",
    &bsl_equations_default_model, bsl_equations_default_values },
  { "lava_lif", "Lava's floating LIF",
    "Lava's floating-point LIF (du, dv, bias_mant, vth): the built-in LIF's trace",
    &(const BslEquationsText) {
      .model = "dI/dt = -I/dt : 1\n"
               "du/dt = (I - du*u)/dt : 1\n"
               "dv/dt = (u*(1 - du) + I + bias_mant - dv*v)/dt : 1\n"
               "du : 1\n"
               "dv : 1\n"
               "bias_mant : 1\n"
               "vth : 1\n",
      .threshold = "v > vth", .reset = "v = 0", .refractory = "", .input = "I",
      .method = "euler" },
    lava_lif_values },
  { "adex", "AdEx",
    "Adaptive exponential integrate-and-fire (Brette & Gerstner 2005), tonic spiking",
    &(const BslEquationsText) {
      .model = "dvm/dt = (gL*(EL - vm) + gL*DeltaT*exp((vm - VT)/DeltaT) + I_ext - w)/Cm : volt\n"
               "dw/dt = (a*(vm - EL) - w)/tauw : amp\n"
               "Cm : farad\n"
               "gL : siemens\n"
               "EL : volt\n"
               "VT : volt\n"
               "DeltaT : volt\n"
               "tauw : second\n"
               "a : siemens\n"
               "b : amp\n"
               "Vr : volt\n"
               "Vcut : volt\n"
               "I_ext : amp\n",
      .threshold = "vm > Vcut", .reset = "vm = Vr\nw += b", .refractory = "", .input = "vm",
      .method = "rk4" },
    adex_values },
  { "izhikevich", "Izhikevich",
    "Izhikevich (2003), regular spiking (a, b, c, d)",
    &(const BslEquationsText) {
      .model = "dv/dt = (0.04*v**2/mV + 5*v + 140*mV - u + I_ext)/ms : volt\n"
               "du/dt = a*(b*v - u)/ms : volt\n"
               "a : 1\n"
               "b : 1\n"
               "c : volt\n"
               "d : volt\n"
               "I_ext : volt\n",
      .threshold = "v >= 30*mV", .reset = "v = c\nu += d", .refractory = "", .input = "v",
      .method = "euler" },
    izhikevich_values },
  { "conductance_lif", "Conductance-based LIF",
    "Conductance-based LIF: the input raises an excitatory conductance",
    &(const BslEquationsText) {
      .model = "dv/dt = (g_L*(E_L - v) + g_e*(E_e - v) + g_i*(E_i - v))/C : volt (unless refractory)\n"
               "dg_e/dt = -g_e/tau_e : siemens\n"
               "dg_i/dt = -g_i/tau_i : siemens\n"
               "C : farad\n"
               "g_L : siemens\n"
               "E_L : volt\n"
               "E_e : volt\n"
               "E_i : volt\n"
               "tau_e : second\n"
               "tau_i : second\n"
               "v_th : volt\n"
               "v_reset : volt\n",
      .threshold = "v > v_th", .reset = "v = v_reset", .refractory = "2*ms", .input = "g_e",
      .method = "euler" },
    cond_lif_values },
};

const BslEquationsTemplate *
bsl_equations_templates (guint *n_templates)
{
  *n_templates = G_N_ELEMENTS (templates);
  return templates;
}

const BslEquationsTemplate *
bsl_equations_template_find (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (templates); i++)
    if (g_strcmp0 (templates[i].name, name) == 0)
      return &templates[i];
  return NULL;
}


gboolean
bsl_process_apply_equations_template (BslProcess                 *process,
                                      const BslEquationsTemplate *tmpl,
                                      GError                    **error)
{
  g_return_val_if_fail (process != NULL, FALSE);
  g_return_val_if_fail (tmpl != NULL, FALSE);

  return bsl_process_start_equations (process, tmpl->text, tmpl->values, error);
}

gboolean
bsl_equations_same_text (const char *a,
                         const char *b)
{
  a = a != NULL ? a : "";
  b = b != NULL ? b : "";
  for (;;)
    {
      while (g_ascii_isspace (*a))
        a++;
      while (g_ascii_isspace (*b))
        b++;
      if (*a != *b)
        return FALSE;
      if (*a == '\0')
        return TRUE;
      a++;
      b++;
    }
}

gboolean
bsl_process_has_equations_template (const BslProcess           *process,
                                    const BslEquationsTemplate *tmpl)
{
  BslEquationsText text;

  g_return_val_if_fail (process != NULL, FALSE);

  return bsl_process_get_equations (process, &text) &&
         bsl_equations_same_text (text.model, tmpl->text->model) &&
         bsl_equations_same_text (text.threshold, tmpl->text->threshold) &&
         bsl_equations_same_text (text.reset, tmpl->text->reset) &&
         bsl_equations_same_text (text.refractory, tmpl->text->refractory) &&
         bsl_equations_same_text (text.input, tmpl->text->input) &&
         bsl_equations_same_text (text.method, tmpl->text->method);
}

gboolean
bsl_process_is_lava_lif (const BslProcess  *process,
                         GError           **error)
{
  static const char *const scalars[] = { "du", "dv", "vth" };

  g_return_val_if_fail (process != NULL, FALSE);

  if (!bsl_process_has_equations_template (process, bsl_equations_template_find ("lava_lif")))
    return FALSE;
  for (guint k = 0; k < G_N_ELEMENTS (scalars); k++)
    {
      g_autoptr(BslArray) value = bsl_process_dup_param_full (process, scalars[k], NULL);

      for (gsize i = 1; value != NULL && i < value->n; i++)
        if (value->data[i] != value->data[0])
          {
            g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                         "process '%s' (Equations) is Lava's LIF, but its %s differs between "
                         "neurons (%g at [0], %g at [%" G_GSIZE_FORMAT "])", process->name,
                         scalars[k], value->data[0], value->data[i], i);
            return FALSE;
          }
    }
  return TRUE;
}
