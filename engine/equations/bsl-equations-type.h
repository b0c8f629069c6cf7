/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-graph.h"
#include "equations/bsl-equations.h"

G_BEGIN_DECLS

/* The "Equations" process type: neurons whose dynamics the user writes in Brian2's syntax
 * (engine/equations). Each such process has its own schema, made from its equations: the state
 * variables and parameters become Vars (values in SI units), plus `dt` (seconds per step).
 * The input port a_in adds to the chosen input variable; s_out sends the spikes. */

typedef struct
{
  const char *model;
  const char *threshold;
  const char *reset;
  const char *refractory;
  const char *input;         /* "v", or "a_ge: ge, a_gi: gi" for several ports */
  const char *method;        /* euler, exponential_euler, rk4 */
  struct _BslEquationsTables *tables;  /* the tables the model may call (borrowed), or NULL */
} BslEquationsText;

/* An Equations process's tables (Brian2's TimedArray), as the file's "tables" object holds
 * them: {"stimulus": {"dt": "1*ms", "unit": "amp", "values": [...] | [[...], ...] |
 * {"file": "stim.npy"}}}. Immutable and counted; written back as read. */
typedef struct _BslEquationsTables BslEquationsTables;
typedef struct _JsonNode JsonNode;
#define BSL_TYPE_EQUATIONS_TABLES (bsl_equations_tables_get_type ())
GType               bsl_equations_tables_get_type (void) G_GNUC_CONST;
/* Errors name the table ("table 'stimulus': the table is ragged: ..."); base_dir resolves
 * {"file": ...} with the rules of the file's initializers. */
BslEquationsTables *bsl_equations_tables_from_json (JsonNode                 *node,
                                                    const char               *base_dir,
                                                    GError                  **error);
JsonNode           *bsl_equations_tables_to_json   (const BslEquationsTables *tables);
BslEquationsTables *bsl_equations_tables_ref       (BslEquationsTables       *tables);
void                bsl_equations_tables_unref     (BslEquationsTables       *tables);
guint               bsl_equations_tables_get_n     (const BslEquationsTables *tables);
/* The tables as bsl_equations_new_with_tables() takes them (NULL when there are none). */
const BslEquationsTable *bsl_equations_tables_peek (const BslEquationsTables *tables);
/* One line per table for the inspector: "stimulus(t): 100 rows, every 0.001 s, in amp". */
char               *bsl_equations_tables_describe  (const BslEquationsTables *tables);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslEquationsTables, bsl_equations_tables_unref)

extern const BslProcType bsl_proc_type_equations;

gboolean           bsl_proc_type_is_equations   (const BslProcType      *type);
/* The texts of an Equations process (borrowed), or FALSE for other types. */
gboolean           bsl_process_get_equations    (const BslProcess       *process,
                                                 BslEquationsText       *text);
/* Parses and checks the texts (errors give line and column), then gives the process the
 * schema they define. Parameter values whose names survive are kept, and so are the process's
 * tables when text->tables is NULL. */
gboolean           bsl_process_set_equations    (BslProcess             *process,
                                                 const BslEquationsText *text,
                                                 GError                **error);
/* The equations and their values alone: every other value goes but the time step (dt). On
 * error the process is unchanged. */
gboolean           bsl_process_start_equations  (BslProcess             *process,
                                                 const BslEquationsText *text,
                                                 const BslPresetValue   *values,
                                                 GError                **error);

/* What a new Equations process starts with: a plain leaky integrate-and-fire neuron with a
 * synaptic current, in SI units, that runs at once. */
extern const BslEquationsText bsl_equations_default_model;
extern const BslPresetValue   bsl_equations_default_values[];
const BslEquationsText *bsl_equations_default_text (void);

/* The file's "input": a variable name (one port, a_in) or an object mapping port names to
 * variables, as the text bsl_equations_new takes ("a_ge: ge, a_gi: gi"); NULL when the node is
 * neither. */
char              *bsl_equations_input_from_json (JsonNode             *node);
JsonNode          *bsl_equations_input_to_json   (const char           *input);

/* The compiled equations behind an Equations schema (borrowed), NULL for other types. */
struct _BslEquations;
struct _BslEquations *bsl_proc_type_get_compiled_equations (const BslProcType *type);


G_END_DECLS
