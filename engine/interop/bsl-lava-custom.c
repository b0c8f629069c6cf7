/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Lava has no Izhikevich, AdEx, conductance-based or equation-defined neurons: the exported
 * script defines them as its own Lava processes (an AbstractProcess with the type's Vars and
 * ports, and a floating_pt PyLoihiProcessModel) whose step has the engine's arithmetic. */
#include "config.h"

#include <string.h>

#include "bsl-equations-type.h"
#include "bsl-error.h"
#include "bsl-graph-private.h"
#include "bsl-lava-custom.h"
#include "equations/bsl-equations.h"

/* Attributes of Lava's AbstractProcess that a Var must not shadow. */
static const char *const reserved[] = {
  "name", "id", "proc_params", "vars", "in_ports", "out_ports", "ref_ports", "var_ports",
  "procedure", "runtime", "model", "log", "run", "stop", "pause", "wait", "create_runtime",
  "compile", "is_compiled", "is_sub_proc_of", "register_sub_procs", "save", "load", "shape",
  "time_step", "s_out_buff", NULL,
};

static const char izhikevich_step[] =
  "        i_in = self.a_in.recv()\n"
  "        v, u = self.v, self.u\n"
  "        dv = 0.04 * v * v + 5.0 * v + 140.0 - u + i_in\n"
  "        du = self.a * (self.b * v - u)\n"
  "        v[:] = v + self.dt * dv\n"
  "        u[:] = u + self.dt * du\n"
  "        spikes = v >= self.v_peak\n"
  "        v[spikes] = self.c\n"
  "        u[spikes] = u[spikes] + self.d\n"
  "        self.s_out.send(spikes.astype(np.float64))\n";

static const char adex_step[] =
  "        i_in = self.a_in.recv()\n"
  "        v, w = self.v, self.w\n"
  "        spikes = np.zeros(v.shape)\n"
  "        for k in range(v.size):\n"
  "            dv = (-self.g_l * (v[k] - self.e_l) + self.g_l * self.delta_t\n"
  "                  * _call(math.exp, (v[k] - self.v_t) / self.delta_t) - w[k] + i_in[k]) / self.c_m\n"
  "            dw = (self.a * (v[k] - self.e_l) - w[k]) / self.tau_w\n"
  "            v[k] = v[k] + self.dt * dv\n"
  "            w[k] = w[k] + self.dt * dw\n"
  "            if v[k] > self.v_peak:\n"
  "                v[k] = self.v_reset\n"
  "                w[k] = w[k] + self.b\n"
  "                spikes[k] = 1.0\n"
  "        self.s_out.send(spikes)\n";

static const char cond_lif_step[] =
  "        i_in = self.a_in.recv()\n"
  "        t = float(self.time_step)\n"
  "        v, g_e, g_i, ref = self.v, self.g_e, self.g_i, self.refractory_end\n"
  "        g_e[:] = g_e + self.g_exc_in.recv()\n"
  "        g_i[:] = g_i + self.g_inh_in.recv()\n"
  "        dv = (self.g_l * (self.e_l - v) + g_e * (self.e_e - v) + g_i * (self.e_i - v) + i_in) / self.c_m\n"
  "        dge = -g_e / self.tau_e\n"
  "        dgi = -g_i / self.tau_i\n"
  "        free = ref < t\n"
  "        v[:] = np.where(free, v + self.dt * dv, v)\n"
  "        g_e[:] = g_e + self.dt * dge\n"
  "        g_i[:] = g_i + self.dt * dgi\n"
  "        spikes = (v > self.v_th) & free\n"
  "        v[spikes] = self.v_reset\n"
  "        ref[spikes] = t + self.refractory_steps\n"
  "        self.s_out.send(spikes.astype(np.float64))\n";

gboolean
_bsl_lava_custom_supported (const BslProcess *process)
{
  const char *t = process->type->name;

  return bsl_proc_type_is_equations (process->type) || g_str_equal (t, "Izhikevich") ||
         g_str_equal (t, "AdEx") || g_str_equal (t, "CondLIF");
}

char *
_bsl_lava_custom_class_name (const BslProcess *process)
{
  return g_strdup_printf ("Basalt_%s", process->name);
}

static gboolean
check_names (const BslProcess *p, GError **error)
{
  for (guint i = 0; i < p->type->n_vars; i++)
    if (g_strv_contains (reserved, p->type->vars[i].name))
      {
        g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                     "process '%s' (%s): its Var '%s' would hide an attribute of Lava's "
                     "processes; rename it to export the process to Lava",
                     p->name, p->type->name, p->type->vars[i].name);
        return FALSE;
      }
  return TRUE;
}

/* The step of an Equations process: its generated function, called on the model's arrays. */
static gboolean
equations_step (GString *s, GString *functions, const BslProcess *p, GError **error)
{
  struct _BslEquations *eq = bsl_proc_type_get_compiled_equations (p->type);
  g_autofree char *function = g_strdup_printf ("_step_%s", p->name);
  g_autofree char *source = bsl_equations_to_python (eq, function, error);
  guint n_states = bsl_equations_get_n_states (eq), n_params = bsl_equations_get_n_params (eq);

  if (source == NULL)
    {
      g_prefix_error (error, "process '%s' (Equations): ", p->name);
      return FALSE;
    }
  g_string_append_printf (functions, "\n\n%s", source);
  g_string_append (s, "        inp = self.a_in.recv()\n"
                      "        spikes = np.zeros(np.shape(inp))\n");
  g_string_append_printf (s, "        %s(inp.size, float(self.dt), self.time_step - 1, [", function);
  for (guint k = 0; k < n_states; k++)
    g_string_append_printf (s, "%sself.%s", k ? ", " : "", bsl_equations_get_state_name (eq, k));
  g_string_append (s, "], [");
  for (guint k = 0; k < n_params; k++)
    g_string_append_printf (s, "%sself.%s", k ? ", " : "", bsl_equations_get_param_name (eq, k));
  g_string_append_printf (s, "], %s, self.last_spike_step, spikes)\n"
                          "        self.lastspike[:] = self.last_spike_step * self.dt\n"
                          "        self.s_out.send(spikes)\n",
                          bsl_equations_get_input_state (eq) >= 0 ? "inp" : "None");
  return TRUE;
}

static gboolean
write_class (GString *s, GString *functions, const BslProcess *p, GError **error)
{
  const BslProcType *type = p->type;
  g_autofree char *cls = _bsl_lava_custom_class_name (p);

  if (!check_names (p, error))
    return FALSE;
  g_string_append_printf (s, "\n\nclass %s(AbstractProcess):\n"
                          "    \"\"\"Basalt's %s process '%s' (floating_pt), as a Lava process.\"\"\"\n\n"
                          "    def __init__(self, *, shape, **values):\n"
                          "        super().__init__(shape=shape)\n", cls, type->name, p->name);
  for (guint k = 0; k < type->n_ports; k++)
    g_string_append_printf (s, "        self.%s = %s(shape=shape)\n", type->ports[k].name,
                            type->ports[k].direction == BSL_PORT_IN ? "InPort" : "OutPort");
  for (guint i = 0; i < type->n_vars; i++)
    g_string_append_printf (s, "        self.%s = Var(shape=%s, init=values['%s'])\n",
                            type->vars[i].name,
                            type->vars[i].shape == BSL_SHAPE_SCALAR ? "(1,)" : "shape",
                            type->vars[i].name);

  g_string_append_printf (s, "\n\n@implements(proc=%s, protocol=LoihiProtocol)\n@requires(CPU)\n"
                          "@tag('floating_pt')\nclass Py%sModel(PyLoihiProcessModel):\n", cls, cls);
  for (guint k = 0; k < type->n_ports; k++)
    g_string_append_printf (s, "    %s: %s = LavaPyType(%s.VEC_DENSE, float)\n", type->ports[k].name,
                            type->ports[k].direction == BSL_PORT_IN ? "PyInPort" : "PyOutPort",
                            type->ports[k].direction == BSL_PORT_IN ? "PyInPort" : "PyOutPort");
  for (guint i = 0; i < type->n_vars; i++)
    g_string_append_printf (s, "    %s: %s\n", type->vars[i].name,
                            type->vars[i].shape == BSL_SHAPE_SCALAR
                            ? "float = LavaPyType(float, float)"
                            : "np.ndarray = LavaPyType(np.ndarray, float)");
  g_string_append (s, "\n    def run_spk(self):\n");
  if (bsl_proc_type_is_equations (type))
    return equations_step (s, functions, p, error);
  if (g_str_equal (type->name, "Izhikevich"))
    g_string_append (s, izhikevich_step);
  else if (g_str_equal (type->name, "AdEx"))
    g_string_append (s, adex_step);
  else
    g_string_append (s, cond_lif_step);
  return TRUE;
}

gboolean
_bsl_lava_custom_classes (GString         *s,
                          const GPtrArray *processes,
                          GError         **error)
{
  g_autoptr(GString) classes = g_string_new (NULL);
  g_autoptr(GString) functions = g_string_new (NULL);

  if (processes->len == 0)
    return TRUE;
  for (guint i = 0; i < processes->len; i++)
    if (!write_class (classes, functions, processes->pdata[i], error))
      return FALSE;
  g_string_append (s,
    "import math\n"
    "from lava.magma.core.decorator import implements, requires, tag\n"
    "from lava.magma.core.model.py.model import PyLoihiProcessModel\n"
    "from lava.magma.core.model.py.ports import PyInPort, PyOutPort\n"
    "from lava.magma.core.model.py.type import LavaPyType\n"
    "from lava.magma.core.process.ports.ports import InPort, OutPort\n"
    "from lava.magma.core.process.process import AbstractProcess\n"
    "from lava.magma.core.process.variable import Var\n"
    "from lava.magma.core.resources import CPU\n"
    "from lava.magma.core.sync.protocols.loihi_protocol import LoihiProtocol\n\n\n"
    "# ---- Basalt's processes that Lava's library lacks (floating_pt, the engine's arithmetic) ----\n\n");
  /* The prelude's _call (C's exp overflow) is used by AdEx too. */
  g_string_append (s, bsl_equations_python_prelude ());
  g_string_append (s, functions->str);
  g_string_append (s, classes->str);
  g_string_append (s, "\n\n# Lava runs these with their floating_pt models whatever TAG says.\nCUSTOM_MODELS = {");
  for (guint i = 0; i < processes->len; i++)
    {
      g_autofree char *cls = _bsl_lava_custom_class_name (processes->pdata[i]);

      g_string_append_printf (s, "%s%s: Py%sModel", i ? ", " : "", cls, cls);
    }
  g_string_append (s, "}\n");
  return TRUE;
}
