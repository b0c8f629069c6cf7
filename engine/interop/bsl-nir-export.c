/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Basalt network -> NIR (HDF5), the inverse of the import mapping (docs/interop.md): every LIF
 * goes out with unit input gain, v_reset 0 and w_in 1, so that importing the file again gives
 * back the same parameters. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <hdf5.h>
#include <math.h>
#include <string.h>

#include "bsl-atomic-file.h"
#include "bsl-equations-templates.h"
#include "bsl-nir-equations.h"
#include "bsl-random-sparse-lower.h"
#include "bsl-runtime.h"
#include "bsl-error.h"
#include "bsl-graph-private.h"
#include "bsl-interop-output.h"
#include "bsl-kernel-dense.h"
#include "bsl-nir-export.h"
#include "bsl-nir-export-graph.h"
#include "bsl-nir-hdf5-write.h"
#include "bsl-hdf5-auto.h"
#include "bsl-nir.h"
#include "bsl-nir-origin.h"
#include "bsl-nir-private.h"

typedef enum
{
  ROLE_SKIP,
  ROLE_NEURON,
  ROLE_SYNAPSE,
  ROLE_INPUT,
  ROLE_OUTPUT,
  ROLE_MERGED,      /* constant CurrentSource folded into an Affine bias */
} Role;

/* A designer group, written as a nested NIRGraph with an Input per outside sender and an
 * Output per inside sender. */
typedef struct
{
  char       *name;
  JsonObject *object;    /* borrowed from graph->groups */
  hid_t       group, nodes;
  GPtrArray  *ends;      /* inner edges, pairs of names */
  GHashTable *seen;      /* "a\nb" inner edges already listed */
  GPtrArray  *inputs;    /* port node names "in_<sender>" */
  GPtrArray  *outputs;   /* port node names "out_<sender>" */
  GHashTable *port_size; /* port node name -> size */
} Group;

typedef struct
{
  const BslProcess *proc;
  Group   *group;        /* NULL: top level */
  Role     role;
  BslTag   tag;
  gsize    n;
  /* neurons, float equivalent */
  double   du, dv, vth;
  double  *bias;
  double  *v0;           /* initial v: a shifted v_reset in NIR, which starts at v = 0 */
  gboolean spiking;
  gboolean     from_equations; /* an Equations process that is a NIR neuron (SI values) */
  BslNirNeuron equations;
  double  *extra_bias;   /* neurons exported as IF/I: bias carried by an incoming Affine */
  /* synapses, float equivalent, (n_out, n_in) */
  gsize    n_out, n_in;
  double  *w;
  double  *delay;        /* per output row, seconds; NULL when none */
  double  *affine_bias;  /* n_out, NULL for Linear */
  /* constant current sources */
  double  *current;
} Item;

typedef struct
{
  const BslGraph *graph;
  double          dt;
  GPtrArray      *notes;
  GHashTable     *items;   /* name -> Item* */
  GPtrArray      *order;   /* Item*, graph order */
  GPtrArray      *groups;  /* Group* */
  /* The NIR graph the network was imported from, written back as it was (NULL: none). */
  JsonObject     *origin;
  const BslGraph *imported;        /* the whole network, for the layout of its processes */
  GHashTable     *origin_procs;    /* names of the processes the import made */
} Ctx;

static void
group_free (gpointer data)
{
  Group *g = data;

  if (g->nodes >= 0)
    H5Gclose (g->nodes);
  if (g->group >= 0)
    H5Gclose (g->group);
  g_free (g->name);
  g_ptr_array_unref (g->ends);
  g_hash_table_unref (g->seen);
  g_ptr_array_unref (g->inputs);
  g_ptr_array_unref (g->outputs);
  g_hash_table_unref (g->port_size);
  g_free (g);
}

static void
item_free (gpointer data)
{
  Item *it = data;

  g_free (it->bias);
  g_free (it->v0);
  g_free (it->extra_bias);
  g_free (it->w);
  g_free (it->delay);
  g_free (it->affine_bias);
  g_free (it->current);
  _bsl_nir_neuron_clear (&it->equations);
  g_free (it);
}

#define note(ctx, ...) _bsl_interop_note ((ctx)->notes, __VA_ARGS__)

static BslArray *
full (const BslProcess *p, const char *name)
{
  g_autoptr (GError) error = NULL;
  BslArray *a = bsl_process_dup_param_full (p, name, &error);

  if (a == NULL)
    g_critical ("%s", error->message);
  return a;
}

static double
scalar (const BslProcess *p, const char *name)
{
  g_autoptr (BslArray) a = full (p, name);

  return a != NULL && a->n > 0 ? a->data[0] : 0.0;
}

static gboolean
is_neuron_type (const char *t)
{
  return g_str_equal (t, "LIF") || g_str_equal (t, "LIFReset") || g_str_equal (t, "LIFRefractory");
}

static void
prepare_neuron (Ctx *ctx, Item *it)
{
  const BslProcess *p = it->proc;
  g_autoptr (BslArray) bias_mant = full (p, "bias_mant");
  g_autoptr (BslArray) u = full (p, "u");
  g_autoptr (BslArray) v = full (p, "v");
  double du = scalar (p, "du"), dv = scalar (p, "dv"), vth = scalar (p, "vth");
  gboolean fixed = it->tag == BSL_TAG_FIXED_PT;

  it->role = ROLE_NEURON;
  it->n = bsl_process_port_size (p, "a_in");
  it->bias = g_new0 (double, it->n);
  if (fixed)
    {
      g_autoptr (BslArray) bias_exp = full (p, "bias_exp");

      /* u and v carry a_in << 6; the decays cut (du + 1) / 4096 and dv / 4096 per step. */
      it->du = (du + 1.0) / 4096.0;
      it->dv = dv / 4096.0;
      it->vth = vth;
      note (ctx, "%s.du = %g (fixed_pt) -> %.17g: (du + 1) / 4096", p->name, du, it->du);
      note (ctx, "%s.dv = %g (fixed_pt) -> %.17g: dv / 4096", p->name, dv, it->dv);
      note (ctx, "%s: fixed_pt rounding of the decays toward zero, the 24-bit wrap of u and the "
            "saturation of v have no float equivalent", p->name);
      for (gsize i = 0; i < it->n; i++)
        it->bias[i] = ldexp (bias_mant->data[i], (int) bias_exp->data[i]) / 64.0;
      for (gsize i = 0; i < it->n; i++)
        if (it->bias[i] != 0)
          {
            note (ctx, "%s.bias_mant, bias_exp (fixed_pt) -> bias = bias_mant * 2^bias_exp / 64 "
                  "(e.g. [%" G_GSIZE_FORMAT "] %g, %g -> %.17g)", p->name, i, bias_mant->data[i],
                  bias_exp->data[i], it->bias[i]);
            break;
          }
    }
  else
    {
      it->du = du;
      it->dv = dv;
      it->vth = vth;
      for (gsize i = 0; i < it->n; i++)
        it->bias[i] = bias_mant->data[i];
    }
  it->spiking = it->vth < BSL_NIR_NONSPIKING_VTH;
  it->v0 = g_new0 (double, it->n);
  for (gsize i = 0; i < it->n; i++)
    if (it->spiking)
      it->v0[i] = fixed ? v->data[i] / 64.0 : v->data[i];
  for (gsize i = 0; i < it->n; i++)
    if (u->data[i] != 0 || (!it->spiking && v->data[i] != 0))
      {
        note (ctx, "%s: initial %s dropped (NIR starts every neuron at rest)", p->name,
              it->spiking ? "u was" : "u and v were");
        break;
      }
  if (g_str_equal (p->type->name, "LIFReset"))
    note (ctx, "%s (LIFReset): the periodic reset of u and v every %g steps is not representable "
          "in NIR and was dropped", p->name, scalar (p, "reset_interval"));
  if (g_str_equal (p->type->name, "LIFRefractory"))
    note (ctx, "%s (LIFRefractory): the refractory period of %g steps is not representable in "
          "NIR and was dropped", p->name, scalar (p, "refractory_period"));
}

static void
prepare_synapse (Ctx *ctx, Item *it)
{
  const BslProcess *p = it->proc;
  g_autoptr (BslArray) w = full (p, "weights");
  gboolean fixed = it->tag == BSL_TAG_FIXED_PT;
  gboolean delayed = g_str_equal (p->type->name, "DelayDense");

  it->role = ROLE_SYNAPSE;
  it->n_out = p->dims[0];
  it->n_in = p->dims[1];
  it->w = g_new0 (double, it->n_out * it->n_in);
  if (fixed)
    {
      gsize n = it->n_out * it->n_in, changed = 0, first = 0;
      g_autofree int32_t *wi = g_new (int32_t, n);
      int weight_exp = (int) scalar (p, "weight_exp");
      int bits = (int) scalar (p, "num_weight_bits");
      int mode = (int) scalar (p, "sign_mode");

      for (gsize k = 0; k < n; k++)
        wi[k] = (int32_t) w->data[k];   /* Lava's int cast truncates toward zero */
      /* A LearningDense takes Lava's learning default, mixed, for auto. */
      if (bsl_proc_type_is_plastic (p->type) && mode == BSL_K_SIGN_AUTO)
        mode = BSL_K_SIGN_MIXED;
      mode = bsl_k_dense_sign_mode (wi, n, mode);
      for (gsize k = 0; k < n; k++)
        {
          int32_t q = bsl_k_dense_quantize_weight (wi[k], mode, bits);
          it->w[k] = ldexp ((double) q, weight_exp);
          if (q != w->data[k] && changed++ == 0)
            first = k;
        }
      if (changed > 0)
        {
          /* Each changed weight, up to a readable number. */
          g_autoptr (GString) list = g_string_new (NULL);
          gsize shown = 0;
          for (gsize k = first; k < n && shown < 10; k++)
            {
              int32_t q = bsl_k_dense_quantize_weight (wi[k], mode, bits);
              if (q == w->data[k])
                continue;
              g_string_append_printf (list, "%s[%" G_GSIZE_FORMAT ", %" G_GSIZE_FORMAT "] %g -> %d",
                                      shown ? ", " : "", k / it->n_in, k % it->n_in, w->data[k], q);
              shown++;
            }
          note (ctx, "%s.weights: %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " weights changed by "
                "Loihi 2's weight precision (sign mode, num_weight_bits) before export: %s%s",
                p->name, changed, n, list->str, changed > shown ? ", ..." : "");
        }
      if (weight_exp != 0)
        note (ctx, "%s.weights scaled by 2^weight_exp = 2^%d (fixed_pt)", p->name, weight_exp);
    }
  else
    memcpy (it->w, w->data, it->n_out * it->n_in * sizeof (double));

  if (delayed)
    {
      g_autoptr (BslArray) d = full (p, "delays");
      gboolean any = FALSE;
      it->delay = g_new0 (double, it->n_out);
      for (gsize r = 0; r < it->n_out; r++)
        {
          gboolean set = FALSE, mixed = FALSE;
          double row = 0;
          for (gsize c = 0; c < it->n_in; c++)
            {
              double x = d->data[r * it->n_in + c];
              if (it->w[r * it->n_in + c] == 0)
                continue;
              if (!set)
                row = x, set = TRUE;
              else if (x != row)
                mixed = TRUE;
            }
          if (mixed)
            note (ctx, "%s.delays: row %" G_GSIZE_FORMAT " mixes delays; NIR's Delay node has "
                  "one per output, so all of that row's synapses use %g steps", p->name, r, row);
          it->delay[r] = row * ctx->dt;
          if (row != 0)
            any = TRUE;
        }
      if (!any)
        g_clear_pointer (&it->delay, g_free);
    }
  if (g_str_equal (p->type->name, "Sparse"))
    note (ctx, "%s (Sparse) became a Linear node with zeros where there is no synapse", p->name);
  if (bsl_proc_type_is_plastic (p->type))
    note (ctx, "%s (LearningDense): NIR has no learning; its current weights were exported as a "
          "static Linear/Affine node, without its learning rule and traces, and the spikes into "
          "its s_in_bap were left out", p->name);
}

/* Spikes into a plastic connection's s_in_bap or s_in_y*: they drive its learning, not a
 * current, so they are no edge of the static NIR graph. */
static gboolean
learning_signal (const BslConnection *conn, const BslGraph *graph)
{
  const BslProcess *to = bsl_graph_find_process (graph, conn->to_process);

  return to != NULL && bsl_proc_type_is_plastic (to->type) && !g_str_equal (conn->to_port, "s_in");
}

/* The value a CurrentSource sends at every step, if it is constant. */
static gboolean
constant_current (const BslProcess *p, gsize n, double *out)
{
  g_autoptr (BslArray) amp = full (p, "amplitude");
  g_autoptr (BslArray) base = full (p, "baseline");
  double start = scalar (p, "start"), stop = scalar (p, "stop");
  gboolean always_on = start <= 1 && stop <= 0;

  for (gsize i = 0; i < n; i++)
    {
      if (!always_on && amp->data[i] != base->data[i])
        return FALSE;
      out[i] = always_on ? amp->data[i] : base->data[i];
    }
  return TRUE;
}

static Item *
lookup (Ctx *ctx, const char *name)
{
  return g_hash_table_lookup (ctx->items, name);
}

/* TRUE when the process has connections on that side and every one of them ends at a left-out
 * process (the name of one in *other). */
static gboolean
stranded_side (Ctx *ctx, const char *name, gboolean incoming, const char **other)
{
  gboolean any = FALSE;

  for (guint c = 0; c < ctx->graph->connections->len; c++)
    {
      const BslConnection *conn = ctx->graph->connections->pdata[c];
      const char *self = incoming ? conn->to_process : conn->from_process;
      const char *peer = incoming ? conn->from_process : conn->to_process;
      Item *it;

      if (!g_str_equal (self, name))
        continue;
      it = lookup (ctx, peer);
      if (it == NULL || it->role != ROLE_SKIP)
        return FALSE;
      any = TRUE;
      *other = peer;
    }
  return any;
}

/* A connection, source or Monitor whose only partners were left out would dangle in the graph:
 * it leaves with them. */
/* Whether anything is left for the file once the processes NIR cannot express are out. */
static gboolean
writes_a_node (const Ctx *ctx)
{
  for (guint i = 0; i < ctx->order->len; i++)
    {
      const Item *it = ctx->order->pdata[i];

      if (it->role != ROLE_SKIP && it->role != ROLE_MERGED)
        return TRUE;
    }
  return FALSE;
}

static void
drop_stranded (Ctx *ctx)
{
  gboolean changed = TRUE;

  while (changed)
    {
      changed = FALSE;
      for (guint i = 0; i < ctx->order->len; i++)
        {
          Item *it = ctx->order->pdata[i];
          const char *other = NULL;
          gboolean stranded;

          if (it->role == ROLE_SYNAPSE)
            stranded = stranded_side (ctx, it->proc->name, TRUE, &other)
                       || stranded_side (ctx, it->proc->name, FALSE, &other);
          else if (it->role == ROLE_INPUT)
            stranded = stranded_side (ctx, it->proc->name, FALSE, &other);
          else if (it->role == ROLE_OUTPUT)
            stranded = stranded_side (ctx, it->proc->name, TRUE, &other);
          else
            continue;
          if (!stranded)
            continue;
          it->role = ROLE_SKIP;
          changed = TRUE;
          note (ctx, "%s (%s) was left out with %s, which it connects to", it->proc->name,
                it->proc->type->name, other);
        }
    }
}

/* The first connection process (not a DelayDense) feeding neuron `to`: where an input bias goes. */
static Item *
bias_carrier (Ctx *ctx, const char *to)
{
  for (guint c = 0; c < ctx->graph->connections->len; c++)
    {
      BslConnection *conn = ctx->graph->connections->pdata[c];
      Item *it;
      if (!g_str_equal (conn->to_process, to))
        continue;
      it = lookup (ctx, conn->from_process);
      if (it != NULL && it->role == ROLE_SYNAPSE && it->delay == NULL)
        return it;
    }
  return NULL;
}

static void
add_bias (Item *syn, const double *b)
{
  if (syn->affine_bias == NULL)
    syn->affine_bias = g_new0 (double, syn->n_out);
  for (gsize i = 0; i < syn->n_out; i++)
    syn->affine_bias[i] += b[i];
}

/* The lava_lif template is Lava's floating LIF step for step, so it leaves as the built-in LIF
 * does. */
static gboolean
is_lava_lif_equations (Ctx *ctx, const BslProcess *p)
{
  g_autoptr (GError) why = NULL;

  if (!bsl_process_is_lava_lif (p, &why))
    {
      if (why != NULL)
        note (ctx, "%s, where NIR's LIF export takes one value", why->message);
      return FALSE;
    }
  note (ctx, "%s (Equations) is Lava's floating LIF (the lava_lif template): exported as a LIF",
        p->name);
  return TRUE;
}

/* NIR's neurons start at v = 0: a membrane starting elsewhere is measured from its initial value,
 * so every voltage (leak, threshold, reset) moves by -v0. */
static void
shift_to_initial_v (Ctx *ctx, Item *it)
{
  static const BslNirField voltages[] = { BSL_NIR_V_LEAK, BSL_NIR_V_THRESHOLD, BSL_NIR_V_RESET };
  BslNirNeuron *neuron = &it->equations;
  gboolean any = FALSE;

  for (gsize i = 0; i < it->n; i++)
    any = any || neuron->v0[i] != 0;
  if (!any)
    return;
  for (guint k = 0; k < G_N_ELEMENTS (voltages); k++)
    {
      double *f = neuron->field[voltages[k]];
      if (f == NULL)
        continue;
      for (gsize i = 0; i < it->n; i++)
        f[i] -= neuron->v0[i];
    }
  note (ctx, "%s: %s starts at %g (neuron 0), NIR's neurons at 0: its voltages are written "
        "relative to the initial value (v_NIR = %s - %g)", it->proc->name, neuron->v_name,
        neuron->v0[0], neuron->v_name, neuron->v0[0]);
}

/* An Equations process that is a NIR neuron: its parameters as they are, in SI units. */
static gboolean
write_equations_neuron (Ctx *ctx, hid_t nodes, Item *it)
{
  static const BslNirField order[] = { BSL_NIR_TAU_SYN, BSL_NIR_TAU_MEM, BSL_NIR_TAU, BSL_NIR_R,
                                       BSL_NIR_V_LEAK, BSL_NIR_V_THRESHOLD, BSL_NIR_V_RESET,
                                       BSL_NIR_W_IN };
  const BslNirNeuron *neuron = &it->equations;
  gboolean ok = TRUE;
  g_auto (BslH5Group) g = _bsl_nir_new_node (nodes, it->proc->name, neuron->type);

  if (g < 0)
    return FALSE;
  shift_to_initial_v (ctx, it);
  for (guint k = 0; k < G_N_ELEMENTS (order); k++)
    if (neuron->field[order[k]] != NULL)
      ok = ok && _bsl_nir_write_vector (g, _bsl_nir_field_name (order[k]), it->n,
                                        neuron->field[order[k]]);
  bsl_h5_clear (&g, H5Gclose);
  if (neuron->dropped != NULL)
    note (ctx, "%s: %s has no NIR field and was left out", it->proc->name, neuron->dropped);
  {
    double dt = scalar (it->proc, "dt");

    if (fabs (dt - ctx->dt) > 1e-9 * ctx->dt)
      note (ctx, "%s steps by %g s in Basalt, the file by %g s: its input scale is exact only "
            "at equal steps (export with --dt %g)", it->proc->name, dt, ctx->dt, dt);
  }
  note (ctx, "%s (Equations) is a %s: its parameters are written in SI units as they are",
        it->proc->name, neuron->type);
  return ok;
}

/* Neuron parameters with unit gain (see the file comment). */
static gboolean
write_neuron (Ctx *ctx, hid_t nodes, Item *it)
{
  const char *name = it->proc->name;
  gsize n = it->n;
  double du = it->du, dv = it->dv, dt = ctx->dt;
  g_autofree double *v_leak = g_new0 (double, n);
  const char *type;
  gboolean ok = TRUE;
  g_auto (BslH5Group) g = H5I_INVALID_HID;

  if (it->from_equations)
    return write_equations_neuron (ctx, nodes, it);
  if (du < 1.0 && (du <= 0.0 || dv <= 0.0))
    {
      note (ctx, "%s: du = %g, dv = %g: a synaptic current without %s decay has no CubaLIF "
            "equivalent; exported with a time constant of 1e9 steps", name, du, dv,
            du <= 0.0 ? "current" : "voltage");
      du = du <= 0.0 ? 1e-9 : du;
      dv = dv <= 0.0 ? 1e-9 : dv;
    }
  if (du >= 1.0)
    type = dv > 0 ? (it->spiking ? "LIF" : "LI") : (it->spiking ? "IF" : "I");
  else
    type = it->spiking ? "CubaLIF" : "CubaLI";
  g_autofree double *v_reset = g_new0 (double, n);
  g_autofree double *v_threshold = g_new0 (double, n);

  for (gsize i = 0; i < n; i++)
    {
      v_reset[i] = it->v0[i] != 0 ? -it->v0[i] : 0.0;
      v_threshold[i] = it->vth + v_reset[i];
      v_leak[i] = (dv > 0 ? it->bias[i] / dv : 0.0) + v_reset[i];
    }
  if (dv <= 0 && du >= 1.0)
    {
      gboolean any = FALSE;
      for (gsize i = 0; i < n; i++)
        if (it->bias[i] != 0)
          any = TRUE;
      if (any)
        {
          Item *syn = bias_carrier (ctx, name);
          if (syn != NULL)
            add_bias (syn, it->bias);
          else
            note (ctx, "%s: its bias has no place in an %s node without an incoming Affine and "
                  "was dropped", name, type);
        }
    }

  g = _bsl_nir_new_node (nodes, name, type);
  if (g < 0)
    return FALSE;
  if (du < 1.0)
    {
      ok = ok && _bsl_nir_write_constant (g, "tau_syn", n, dt / du);
      ok = ok && _bsl_nir_write_constant (g, "tau_mem", n, dt / dv);
      ok = ok && _bsl_nir_write_constant (g, "r", n, 1.0 / (du * dv));
      ok = ok && _bsl_nir_write_vector (g, "v_leak", n, v_leak);
      ok = ok && _bsl_nir_write_constant (g, "w_in", n, 1.0);
    }
  else if (dv > 0)
    {
      ok = ok && _bsl_nir_write_constant (g, "tau", n, dt / dv);
      ok = ok && _bsl_nir_write_constant (g, "r", n, 1.0 / dv);
      ok = ok && _bsl_nir_write_vector (g, "v_leak", n, v_leak);
    }
  else
    ok = ok && _bsl_nir_write_constant (g, "r", n, 1.0 / dt);
  if (it->spiking)
    {
      ok = ok && _bsl_nir_write_vector (g, "v_threshold", n, v_threshold);
      ok = ok && _bsl_nir_write_vector (g, "v_reset", n, v_reset);
    }
  return ok;
}

static gboolean
write_synapse (Ctx *ctx, hid_t nodes, Item *it)
{
  hsize_t dims[2] = { it->n_out, it->n_in };
  g_auto (BslH5Group) g = _bsl_nir_new_node (nodes, it->proc->name,
                                             it->affine_bias != NULL ? "Affine" : "Linear");
  gboolean ok;

  if (g < 0)
    return FALSE;
  ok = _bsl_nir_write_f64 (g, "weight", 2, dims, it->w);
  if (ok && it->affine_bias != NULL)
    ok = _bsl_nir_write_vector (g, "bias", it->n_out, it->affine_bias);
  bsl_h5_clear (&g, H5Gclose);
  if (ok && it->delay != NULL)
    {
      g_autofree char *dname = g_strconcat (it->proc->name, "_delay", NULL);
      g = _bsl_nir_new_node (nodes, dname, "Delay");
      if (g < 0)
        return FALSE;
      ok = _bsl_nir_write_vector (g, "delay", it->n_out, it->delay);
    }
  return ok;
}

static gboolean
write_port (hid_t nodes, const char *name, const char *type, gsize n)
{
  g_auto (BslH5Group) g = _bsl_nir_new_node (nodes, name, type);

  return g >= 0 && _bsl_nir_write_shape (g, n);
}

static gboolean
write_metadata (Ctx *ctx, hid_t root, BslTag tag)
{
  g_auto (BslH5Group) meta = H5Gcreate2 (root, "metadata", H5P_DEFAULT, H5P_DEFAULT,
                                         H5P_DEFAULT);
  g_auto (BslH5Group) lay = H5I_INVALID_HID;
  gboolean ok;

  if (meta < 0)
    return FALSE;
  ok = _bsl_nir_write_f64 (meta, "dt", 0, NULL, &ctx->dt);
  ok = ok && _bsl_nir_write_string (meta, "source", "Basalt " PACKAGE_VERSION);
  ok = ok && _bsl_nir_write_string (meta, "basalt_tag", bsl_tag_to_string (tag));
  if (ok)
    lay = H5Gcreate2 (meta, BSL_NIR_LAYOUT_GROUP, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (lay < 0)
    ok = FALSE;
  for (guint i = 0; ok && i < ctx->order->len; i++)
    {
      Item *it = ctx->order->pdata[i];
      double xy[2] = { it->proc->x, it->proc->y };
      hsize_t dims[1] = { 2 };
      if (it->role == ROLE_SKIP || it->role == ROLE_MERGED || !it->proc->has_position)
        continue;
      ok = _bsl_nir_write_f64 (lay, it->proc->name, 1, dims, xy);
    }
  for (guint i = 0; ok && ctx->origin != NULL && i < ctx->imported->processes->len; i++)
    {
      const BslProcess *p = ctx->imported->processes->pdata[i];
      double xy[2] = { p->x, p->y };
      hsize_t dims[1] = { 2 };
      if (p->has_position && g_hash_table_contains (ctx->origin_procs, p->name))
        ok = _bsl_nir_write_f64 (lay, p->name, 1, dims, xy);
    }
  return ok;
}

static const char *
edge_source_name (Item *it, GPtrArray *keep)
{
  char *s;

  if (it->role == ROLE_SYNAPSE && it->delay != NULL)
    s = g_strconcat (it->proc->name, "_delay", NULL);
  else
    s = g_strdup (it->proc->name);
  g_ptr_array_add (keep, s);
  return s;
}

static gsize
out_size (const Item *it)
{
  return it->role == ROLE_SYNAPSE ? it->n_out : it->n;
}

/* The designer's groups: {"name", "members": [...], "collapsed", "x", "y"}. */
static void
collect_groups (Ctx *ctx)
{
  JsonArray *array;

  if (ctx->graph->groups == NULL || !JSON_NODE_HOLDS_ARRAY (ctx->graph->groups))
    return;
  array = json_node_get_array (ctx->graph->groups);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object;
      JsonArray *members;
      const char *name;
      Group *g;
      guint n = 0;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      object = json_node_get_object (element);
      name = json_object_get_string_member_with_default (object, "name", NULL);
      members = json_object_has_member (object, "members")
                && JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "members"))
                ? json_object_get_array_member (object, "members") : NULL;
      if (name == NULL || *name == '\0' || strchr (name, '/') != NULL || members == NULL
          || g_hash_table_contains (ctx->items, name))
        {
          note (ctx, "group %s: no usable name or members (or its name is a process's); its "
                "processes were exported at the top level", name != NULL ? name : "(unnamed)");
          continue;
        }
      g = g_new0 (Group, 1);
      g->name = g_strdup (name);
      g->object = object;
      g->group = g->nodes = -1;
      g->ends = g_ptr_array_new ();
      g->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g->inputs = g_ptr_array_new_with_free_func (g_free);
      g->outputs = g_ptr_array_new_with_free_func (g_free);
      g->port_size = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint m = 0; m < json_array_get_length (members); m++)
        {
          const char *member = json_array_get_string_element (members, m);
          Item *it = member != NULL ? g_hash_table_lookup (ctx->items, member) : NULL;
          if (it == NULL || it->group != NULL || it->role == ROLE_SKIP || it->role == ROLE_MERGED)
            continue;
          if (it->role == ROLE_INPUT || it->role == ROLE_OUTPUT)
            {
              /* Inside a subgraph, Input and Output nodes are its ports, not sources or sinks. */
              note (ctx, "group %s: %s stays at the top level of the NIR graph", name, member);
              continue;
            }
          it->group = g;
          n++;
        }
      if (n == 0)
        {
          group_free (g);
          continue;
        }
      g_ptr_array_add (ctx->groups, g);
    }
}

static void
add_end_pair (GPtrArray *ends, GPtrArray *keep, const char *a, const char *b)
{
  char *x = g_strdup (a), *y = g_strdup (b);

  g_ptr_array_add (keep, x);
  g_ptr_array_add (keep, y);
  g_ptr_array_add (ends, x);
  g_ptr_array_add (ends, y);
}

/* An inner edge, once. */
static void
add_inner (Group *g, GPtrArray *keep, const char *a, const char *b)
{
  char *key = g_strconcat (a, "\n", b, NULL);

  if (g_hash_table_contains (g->seen, key))
    {
      g_free (key);
      return;
    }
  g_hash_table_add (g->seen, key);
  add_end_pair (g->ends, keep, a, b);
}

static const char *
add_port (Group *g, gboolean input, const char *sender, gsize size)
{
  GPtrArray *ports = input ? g->inputs : g->outputs;
  g_autofree char *name = g_strconcat (input ? "in_" : "out_", sender, NULL);

  for (guint i = 0; i < ports->len; i++)
    if (g_str_equal (ports->pdata[i], name))
      return ports->pdata[i];
  g_ptr_array_add (ports, g_steal_pointer (&name));
  g_hash_table_insert (g->port_size, ports->pdata[ports->len - 1], GSIZE_TO_POINTER (size));
  return ports->pdata[ports->len - 1];
}

/* How an outer edge names a group's port: the group itself when it has one such port. */
static char *
port_ref (Group *g, gboolean input, const char *port)
{
  GPtrArray *ports = input ? g->inputs : g->outputs;

  return ports->len == 1 ? g_strdup (g->name) : g_strconcat (g->name, ".", port, NULL);
}

static gboolean
write_group (Ctx *ctx, Group *g, GPtrArray *keep)
{
  JsonObject *o = g->object;
  g_auto (BslH5Group) meta = H5I_INVALID_HID;
  gboolean ok = TRUE;

  for (guint i = 0; ok && i < g->inputs->len; i++)
    ok = write_port (g->nodes, g->inputs->pdata[i], "Input",
                     GPOINTER_TO_SIZE (g_hash_table_lookup (g->port_size, g->inputs->pdata[i])));
  for (guint i = 0; ok && i < g->outputs->len; i++)
    ok = write_port (g->nodes, g->outputs->pdata[i], "Output",
                     GPOINTER_TO_SIZE (g_hash_table_lookup (g->port_size, g->outputs->pdata[i])));
  if (!ok || !_bsl_nir_write_edges (g->group, g->ends))
    return FALSE;
  meta = H5Gcreate2 (g->group, "metadata", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (meta < 0)
    return FALSE;
  {
    double x = json_object_get_double_member_with_default (o, "x", 0);
    double y = json_object_get_double_member_with_default (o, "y", 0);
    double collapsed = json_object_get_boolean_member_with_default (o, "collapsed", FALSE);
    ok = _bsl_nir_write_string (meta, BSL_NIR_GROUP_MARK, g->name)
         && _bsl_nir_write_f64 (meta, "x", 0, NULL, &x)
         && _bsl_nir_write_f64 (meta, "y", 0, NULL, &y)
         && _bsl_nir_write_f64 (meta, "collapsed", 0, NULL, &collapsed);
  }
  bsl_h5_clear (&meta, H5Gclose);
  if (g->inputs->len > 1 || g->outputs->len > 1)
    note (ctx, "group %s has %u inputs and %u outputs: outer edges name them '%s.<port>', which "
          "nir.read's type check does not support yet (it loads with type_check=False)",
          g->name, g->inputs->len, g->outputs->len, g->name);
  return TRUE;
}

static void
ctx_clear (Ctx *ctx)
{
  g_clear_pointer (&ctx->groups, g_ptr_array_unref);
  g_clear_pointer (&ctx->items, g_hash_table_unref);
  g_clear_pointer (&ctx->order, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Ctx, ctx_clear)

/* Only what the engine runs is exported: it checks the values (Loihi 2 ranges, shapes) that the
 * conversions below rely on. */
static gboolean
check_runs (const BslGraph *graph, BslTag tag, GError **error)
{
  g_autoptr (BslRunConfig) config = bsl_run_config_new (tag);
  BslRuntime *runtime;

  config->n_threads = 1;
  if ((runtime = bsl_runtime_new (graph, config, error)) == NULL)
    return FALSE;
  bsl_runtime_free (runtime);
  return TRUE;
}

/* Classifies a process and computes its float equivalent. */
static void
classify (Ctx *ctx, const BslProcess *p, BslTag tag)
{
  const char *t = p->type->name;
  Item *it = g_new0 (Item, 1);

  it->proc = p;
  it->tag = bsl_process_resolve_tag (p, tag);
  g_ptr_array_add (ctx->order, it);
  g_hash_table_insert (ctx->items, p->name, it);
  if (is_neuron_type (t))
    prepare_neuron (ctx, it);
  else if (g_str_equal (t, "Dense") || g_str_equal (t, "Sparse")
           || g_str_equal (t, "DelayDense") || bsl_proc_type_is_plastic (p->type))
    prepare_synapse (ctx, it);
  else if (p->type->category == BSL_CATEGORY_INPUTS)
    {
      it->role = ROLE_INPUT;
      it->n = bsl_process_port_size (p, p->type->ports[0].name);
    }
  else if (g_str_equal (t, "Monitor"))
    {
      it->role = ROLE_OUTPUT;
      it->n = bsl_process_port_size (p, "a_in");
    }
  else if (is_lava_lif_equations (ctx, p))
    {
      it->tag = BSL_TAG_FLOATING_PT;
      prepare_neuron (ctx, it);
    }
  else if (bsl_proc_type_is_equations (p->type))
    {
      g_autofree char *why = NULL;

      /* Its first port is an input, whatever the model names it. */
      it->n = bsl_process_port_size (p, p->type->ports[0].name);
      if (_bsl_nir_match_equations (p, it->n, ctx->dt, &it->equations, &why))
        {
          it->role = ROLE_NEURON;
          it->from_equations = TRUE;
          it->spiking = it->equations.spiking;
          it->bias = g_new0 (double, it->n);
        }
      else
        {
          it->role = ROLE_SKIP;
          note (ctx, "%s (Equations) has no NIR equivalent: %s; it was left out with its "
                "connections", p->name, why);
        }
    }
  else
    {
      it->role = ROLE_SKIP;
      note (ctx, "%s (%s) has no NIR equivalent and was left out with its connections",
            p->name, t);
    }
}

/* A constant current into one neuron population that also has an incoming synapse is that
 * synapse's Affine bias (a_in units are NIR input units at unit gain). */
static void
merge_constant_currents (Ctx *ctx)
{
  for (guint i = 0; i < ctx->order->len; i++)
    {
      Item *it = ctx->order->pdata[i];
      const char *target = NULL;
      int n_targets = 0;
      Item *tgt, *syn;

      if (it->role != ROLE_INPUT || !g_str_equal (it->proc->type->name, "CurrentSource"))
        continue;
      for (guint c = 0; c < ctx->graph->connections->len; c++)
        {
          BslConnection *conn = ctx->graph->connections->pdata[c];
          if (g_str_equal (conn->from_process, it->proc->name) && !learning_signal (conn, ctx->graph))
            {
              target = conn->to_process;
              n_targets++;
            }
        }
      it->current = g_new0 (double, it->n);
      if (n_targets != 1 || !constant_current (it->proc, it->n, it->current))
        continue;
      tgt = lookup (ctx, target);
      syn = tgt != NULL && tgt->role == ROLE_NEURON && !tgt->from_equations
            ? bias_carrier (ctx, target) : NULL;
      if (syn == NULL)
        continue;
      add_bias (syn, it->current);
      it->role = ROLE_MERGED;
      note (ctx, "%s (constant CurrentSource) became the bias of Affine '%s'", it->proc->name,
            syn->proc->name);
    }
}

/* The nested NIRGraphs of the designer's groups, empty for now. */
static gboolean
create_groups (Ctx *ctx, hid_t nodes)
{
  for (guint i = 0; i < ctx->groups->len; i++)
    {
      Group *g = ctx->groups->pdata[i];
      g->group = _bsl_nir_new_node (nodes, g->name, "NIRGraph");
      g->nodes = g->group >= 0 ? H5Gcreate2 (g->group, "nodes", H5P_DEFAULT, H5P_DEFAULT,
                                             H5P_DEFAULT) : -1;
      if (g->nodes < 0)
        return FALSE;
    }
  return TRUE;
}

static gboolean
write_items (Ctx *ctx, hid_t nodes)
{
  /* Neurons first: an IF-type neuron may hand its bias to a synapse written after it. */
  for (guint i = 0; i < ctx->order->len; i++)
    {
      Item *it = ctx->order->pdata[i];
      if (it->role == ROLE_NEURON
          && !write_neuron (ctx, it->group != NULL ? it->group->nodes : nodes, it))
        return FALSE;
    }
  for (guint i = 0; i < ctx->order->len; i++)
    {
      Item *it = ctx->order->pdata[i];
      hid_t where = it->group != NULL ? it->group->nodes : nodes;
      gboolean w = TRUE;
      if (it->role == ROLE_SYNAPSE)
        w = write_synapse (ctx, where, it);
      else if (it->role == ROLE_INPUT)
        {
          w = write_port (where, it->proc->name, "Input", it->n);
          if (g_str_equal (it->proc->type->name, "CurrentSource"))
            note (ctx, "%s (CurrentSource) became a graph Input", it->proc->name);
        }
      else if (it->role == ROLE_OUTPUT)
        w = write_port (where, it->proc->name, "Output", it->n);
      if (!w)
        return FALSE;
    }
  return TRUE;
}

/* The edges of the top-level graph into ends, those inside groups into the groups. */
static void
collect_edges (Ctx *ctx, GPtrArray *ends, GPtrArray *keep)
{
  /* Ports first (a port reference depends on how many ports the group has), then edges. */
  for (int pass = 0; pass < 2; pass++)
    for (guint c = 0; c < ctx->graph->connections->len; c++)
      {
        BslConnection *conn = ctx->graph->connections->pdata[c];
        Item *a = lookup (ctx, conn->from_process), *b = lookup (ctx, conn->to_process);
        const char *src, *in_port = NULL, *out_port = NULL;
        g_autofree char *from = NULL, *to = NULL;
        if (a == NULL || b == NULL || a->role == ROLE_SKIP || b->role == ROLE_SKIP
            || a->role == ROLE_MERGED || learning_signal (conn, ctx->graph))
          continue;
        src = edge_source_name (a, keep);
        if (a->group == b->group)
          {
            if (pass == 1)
              add_end_pair (a->group != NULL ? a->group->ends : ends, keep, src, b->proc->name);
            continue;
          }
        if (b->group != NULL)
          in_port = add_port (b->group, TRUE, src, out_size (a));
        if (a->group != NULL)
          out_port = add_port (a->group, FALSE, src, out_size (a));
        if (pass == 0)
          continue;
        if (a->group != NULL)
          add_inner (a->group, keep, src, out_port);
        if (b->group != NULL)
          add_inner (b->group, keep, in_port, b->proc->name);
        from = a->group != NULL ? port_ref (a->group, FALSE, out_port) : g_strdup (src);
        to = b->group != NULL ? port_ref (b->group, TRUE, in_port) : g_strdup (b->proc->name);
        add_end_pair (ends, keep, from, to);
      }
  for (guint i = 0; i < ctx->order->len; i++)
    {
      Item *it = ctx->order->pdata[i];
      if (it->role == ROLE_SYNAPSE && it->delay != NULL)
        add_end_pair (it->group != NULL ? it->group->ends : ends, keep, it->proc->name,
                      edge_source_name (it, keep));
    }
}

/* The top-level NIRGraph "/node" with everything in it. */
static gboolean
write_graph (Ctx *ctx, hid_t file, BslTag tag, const BslGraph *work, const char *origin_why)
{
  g_autoptr (GPtrArray) ends = g_ptr_array_new ();
  g_autoptr (GPtrArray) keep = g_ptr_array_new_with_free_func (g_free);
  g_auto (BslH5Group) root = H5Gcreate2 (file, "node", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  g_auto (BslH5Group) nodes = H5I_INVALID_HID;

  if (root < 0 || !_bsl_nir_write_string (root, "type", "NIRGraph"))
    return FALSE;
  nodes = H5Gcreate2 (root, "nodes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (nodes < 0)
    return FALSE;
  if (ctx->origin != NULL && !_bsl_nir_origin_write (ctx->origin, nodes, ends, keep))
    return FALSE;
  collect_groups (ctx);
  if (!create_groups (ctx, nodes) || !write_items (ctx, nodes))
    return FALSE;
  collect_edges (ctx, ends, keep);
  for (guint i = 0; i < ctx->groups->len; i++)
    if (!write_group (ctx, ctx->groups->pdata[i], keep))
      return FALSE;
  g_ptr_array_set_size (ctx->groups, 0);   /* closes their HDF5 groups */
  if (!_bsl_nir_write_edges (root, ends) || !write_metadata (ctx, root, tag))
    return FALSE;
  if (origin_why != NULL)
    _bsl_nir_origin_report (_bsl_nir_origin_recorded_graph (work), nodes, origin_why,
                            ctx->notes);
  return TRUE;
}

/* HDF5 builds the file in memory (the core driver without a backing store) and it is written
 * out whole at the end: a full disk then fails our write, which removes its temporary file,
 * rather than H5Fclose, which would leave the file open for HDF5 to crash on at exit. Returns
 * the file's bytes, NULL when HDF5 fails. */
static char *
build_image (Ctx *ctx, const char *base, BslTag tag, const BslGraph *work, const char *origin_why,
             gssize *image_size)
{
  g_auto (BslH5PropList) access = H5Pcreate (H5P_FILE_ACCESS);
  g_auto (BslH5File) file = H5I_INVALID_HID;
  g_autofree char *image = NULL;

  if (access < 0 || H5Pset_fapl_core (access, 1 << 20, FALSE) < 0)
    return NULL;
  file = H5Fcreate (base, H5F_ACC_TRUNC, H5P_DEFAULT, access);
  if (file < 0 || !_bsl_nir_write_string (file, "version", BSL_NIR_VERSION)
      || !write_graph (ctx, file, tag, work, origin_why)
      || H5Fflush (file, H5F_SCOPE_GLOBAL) < 0)
    return NULL;
  *image_size = H5Fget_file_image (file, NULL, 0);
  if (*image_size <= 0)
    return NULL;
  image = g_malloc (*image_size);
  if (H5Fget_file_image (file, image, *image_size) != *image_size)
    return NULL;
  return g_steal_pointer (&image);
}

gboolean
bsl_nir_export_file (const BslGraph            *graph,
                     const char                *path,
                     const BslNirExportOptions *options,
                     GPtrArray                 *notes,
                     GError                   **error)
{
  g_auto (Ctx) ctx = { 0 };
  g_autoptr (BslGraph) work = NULL;
  g_autoptr (BslGraph) rest = NULL;
  g_autoptr (GHashTable) origin_procs = NULL;
  g_autofree char *origin_why = NULL;
  g_autofree char *base = NULL;
  g_autofree char *image = NULL;
  double origin_dt = 0;
  gssize image_size = 0;
  BslTag tag;
  g_autoptr (BslGraph) lowered = NULL;

  g_return_val_if_fail (graph != NULL && path != NULL, FALSE);

  lowered = bsl_graph_lower_random_sparse (graph, "the NIR export", notes, error);
  if (lowered == NULL)
    return FALSE;
  graph = lowered;

  tag = options != NULL && options->tag != BSL_TAG_NONE ? options->tag : graph->run_tag;
  if ((int) tag < 0 || tag >= BSL_N_TAGS)
    tag = BSL_TAG_FLOATING_PT;
  if (options != NULL && !isfinite (options->dt))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE, "the step dt must be a finite number of "
                   "seconds, not %g", options->dt);
      return FALSE;
    }
  if (!check_runs (graph, tag, error))
    return FALSE;

  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  /* An imported network that is still what the import made goes back as the original graph;
   * only the processes added since then are exported from Basalt's side. */
  ctx.origin = _bsl_nir_origin_still_valid (graph, options != NULL ? options->dt : 0,
                                            &origin_dt, &origin_why);
  if (ctx.origin != NULL)
    {
      origin_procs = _bsl_nir_origin_processes (graph);
      rest = _bsl_nir_origin_rest (graph, origin_procs, ctx.origin, &origin_why);
      if (rest == NULL)
        ctx.origin = NULL;
    }
  if (ctx.origin != NULL)
    {
      _bsl_interop_note (notes, "the network is unchanged since its NIR import: the original graph is written "
            "back with its node types, names, nesting and edges");
      if (rest->processes->len > 0)
        _bsl_interop_note (notes, "%u processes added after the import are exported from Basalt's side",
              rest->processes->len);
      ctx.imported = graph;
      ctx.origin_procs = origin_procs;
      graph = rest;
    }
  work = _bsl_nir_export_graph (graph, tag, notes);
  graph = work;
  ctx.graph = graph;
  ctx.dt = options != NULL && options->dt > 0 ? options->dt
           : ctx.origin != NULL ? origin_dt : BSL_NIR_DEFAULT_DT;
  ctx.notes = notes;
  ctx.items = g_hash_table_new (g_str_hash, g_str_equal);
  ctx.order = g_ptr_array_new_with_free_func (item_free);
  ctx.groups = g_ptr_array_new_with_free_func (group_free);

  /* Classify every process and compute its float equivalent. */
  for (guint i = 0; i < graph->processes->len; i++)
    classify (&ctx, graph->processes->pdata[i], tag);
  drop_stranded (&ctx);
  merge_constant_currents (&ctx);
  if (ctx.origin == NULL && graph->processes->len > 0 && !writes_a_node (&ctx))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED, "%s: nothing to write: no process "
                   "of the network has a NIR equivalent (the notes say why each was left out)",
                   path);
      return FALSE;
    }

  base = g_path_get_basename (path);
  image = build_image (&ctx, base, tag, work, origin_why, &image_size);
  if (image == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_FAILED, "%s: building the HDF5 file failed (a "
                   "name that HDF5 refuses?)", path);
      return FALSE;
    }
  return bsl_write_file_atomic (path, image, image_size, error);
}
