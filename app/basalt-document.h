/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bsl-equations-type.h"
#include "bsl-graph.h"
#include "bsl-learning-rule.h"

G_BEGIN_DECLS

typedef enum
{
  BASALT_CHANGE_STRUCTURE = 1 << 0,   /* processes, connections, names, shapes, run tag */
  BASALT_CHANGE_LAYOUT    = 1 << 1,   /* node positions only */
  BASALT_CHANGE_PARAMS    = 1 << 2,   /* a parameter value */
  BASALT_CHANGE_GRAPH     = 1 << 3,   /* a different graph object (new or loaded file) */
  BASALT_CHANGE_RUN       = 1 << 4,   /* how a run is made: its number of steps */
  BASALT_CHANGE_PROBES    = 1 << 5,   /* what a run records */
} BasaltChangeFlags;

#define BASALT_TYPE_DOCUMENT (basalt_document_get_type ())

G_DECLARE_FINAL_TYPE (BasaltDocument, basalt_document, BASALT, DOCUMENT, GObject)

/* A network being edited: the engine graph, its file, and the undo history. Every edit goes
 * through one of the functions below, is applied to the graph, and can be undone and redone.
 * Observers connect to "changed" (guint flags, const char *process, const char *var); process
 * and var are NULL when the change is not about one of them. */

BasaltDocument *basalt_document_new               (void);
BslGraph       *basalt_document_get_graph         (BasaltDocument     *self);
GFile          *basalt_document_get_file          (BasaltDocument     *self);
gboolean        basalt_document_get_dirty         (BasaltDocument     *self);
/* The file's base name, or "Untitled network". */
char           *basalt_document_dup_title         (BasaltDocument     *self);

/* An empty network without a file (and an empty history). */
void            basalt_document_clear             (BasaltDocument     *self);
/* Takes graph (e.g. imported from NIR) as a new network that has not been saved yet. */
void            basalt_document_take_imported     (BasaltDocument     *self,
                                                   BslGraph           *graph);
/* On failure the current graph, file and history are left as they were. */
gboolean        basalt_document_load              (BasaltDocument     *self,
                                                   GFile              *file,
                                                   GError            **error);
/* The same, the file read on a worker thread; the network is replaced when _finish is called
 * (cancelled: never). */
void            basalt_document_load_async        (BasaltDocument     *self,
                                                   GFile              *file,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
gboolean        basalt_document_load_finish       (BasaltDocument     *self,
                                                   GAsyncResult       *result,
                                                   GError            **error);
/* A copy saved automatically (autosave), loaded as unsaved changes to original (NULL: a network
 * that never had a file). On failure nothing changes. */
gboolean        basalt_document_recover           (BasaltDocument     *self,
                                                   GFile              *copy,
                                                   GFile              *original,
                                                   GError            **error);
/* Counts edits, undo and redo: changes when the network does (autosave compares it). */
guint64         basalt_document_get_serial        (BasaltDocument     *self);
/* file NULL saves to the current file. Written to a temporary file, then renamed. */
gboolean        basalt_document_save              (BasaltDocument     *self,
                                                   GFile              *file,
                                                   GError            **error);

/* Edits. Each is one undo step; those returning gboolean/pointer refuse bad input with error. */
char           *basalt_document_add_process       (BasaltDocument     *self,
                                                   const char         *type_name,
                                                   double              x,
                                                   double              y,
                                                   GError            **error);
gboolean        basalt_document_remove_processes  (BasaltDocument     *self,
                                                   const char *const  *names,
                                                   GError            **error);
/* New positions (canvas units) of the named processes. */
gboolean        basalt_document_move_processes    (BasaltDocument     *self,
                                                   const char *const  *names,
                                                   const double       *x,
                                                   const double       *y,
                                                   GError            **error);
gboolean        basalt_document_rename_process    (BasaltDocument     *self,
                                                   const char         *old_name,
                                                   const char         *new_name,
                                                   GError            **error);
gboolean        basalt_document_connect           (BasaltDocument     *self,
                                                   const char         *from_process,
                                                   const char         *from_port,
                                                   const char         *to_process,
                                                   const char         *to_port,
                                                   GError            **error);
gboolean        basalt_document_disconnect        (BasaltDocument     *self,
                                                   const char         *from_process,
                                                   const char         *from_port,
                                                   const char         *to_process,
                                                   const char         *to_port,
                                                   GError            **error);
/* value NULL returns the parameter to its default. value is copied. */
gboolean        basalt_document_set_param         (BasaltDocument     *self,
                                                   const char         *process,
                                                   const char         *var,
                                                   const BslArray     *value,
                                                   GError            **error);
/* Several parameters of one process as one undo step (e.g. a fit's result); vars is
 * NULL-terminated, values[i] NULL returns vars[i] to its default. All or nothing. */
gboolean        basalt_document_set_params        (BasaltDocument     *self,
                                                   const char         *process,
                                                   const char *const  *vars,
                                                   BslArray *const    *values,
                                                   const char         *label,
                                                   GError            **error);
gboolean        basalt_document_set_shape         (BasaltDocument     *self,
                                                   const char         *process,
                                                   guint               ndim,
                                                   const gsize        *dims,
                                                   GError            **error);
/* Copies the processes (and the connections among them), offset by (dx, dy); returns the new
 * names. */
char          **basalt_document_duplicate         (BasaltDocument     *self,
                                                   const char *const  *names,
                                                   double              dx,
                                                   double              dy,
                                                   GError            **error);
/* New texts for an Equations process: its Vars follow them (values of surviving names kept). */
/* Replaces a plastic connection's learning rule (checked as Lava checks it); undoable. */
gboolean        basalt_document_set_learning_rule (BasaltDocument        *self,
                                                   const char            *process_name,
                                                   const BslLearningRule *rule,
                                                   GError               **error);
gboolean        basalt_document_set_equations     (BasaltDocument     *self,
                                                   const char         *process,
                                                   const BslEquationsText *text,
                                                   GError            **error);
/* The equations and values of a template (bsl-equations-templates.h), as one undoable edit. */
gboolean        basalt_document_apply_equations_template (BasaltDocument *self,
                                                          const char     *process,
                                                          const char     *template_name,
                                                          GError        **error);
/* The process's own model tag, overriding the run's; BSL_TAG_NONE follows the run's. */
gboolean        basalt_document_set_model         (BasaltDocument     *self,
                                                   const char         *process,
                                                   BslTag              tag,
                                                   GError            **error);
void            basalt_document_set_run_tag       (BasaltDocument     *self,
                                                   BslTag              tag);
/* run.steps: what "Run Steps" runs and exports default to; from 1 up. */
gboolean        basalt_document_set_run_steps     (BasaltDocument     *self,
                                                   gint64              steps,
                                                   GError            **error);
/* Probes ("proc.var"): what a run records, saved with the network. Removing a process removes
 * its probes in the same undo step. add refuses what bsl_graph_add_probe() refuses. */
gboolean        basalt_document_add_probe         (BasaltDocument     *self,
                                                   const char         *target,
                                                   GError            **error);
gboolean        basalt_document_remove_probe      (BasaltDocument     *self,
                                                   const char         *target,
                                                   GError            **error);
void            basalt_document_clear_probes      (BasaltDocument     *self);

/* Groups: sub-networks the canvas draws as one node (collapsed) or as a frame (open). */
char           *basalt_document_group             (BasaltDocument     *self,
                                                   const char *const  *names,
                                                   double              x,
                                                   double              y,
                                                   GError            **error);
gboolean        basalt_document_ungroup           (BasaltDocument     *self,
                                                   const char         *name,
                                                   GError            **error);
gboolean        basalt_document_set_group_collapsed (BasaltDocument   *self,
                                                   const char         *name,
                                                   gboolean            collapsed,
                                                   GError            **error);
gboolean        basalt_document_move_group        (BasaltDocument     *self,
                                                   const char         *name,
                                                   double              x,
                                                   double              y,
                                                   GError            **error);
/* The group a process is in, or NULL. */
char           *basalt_document_dup_group_of      (BasaltDocument     *self,
                                                   const char         *process);
char          **basalt_document_dup_group_members (BasaltDocument     *self,
                                                   const char         *group);

gboolean        basalt_document_can_undo          (BasaltDocument     *self);
gboolean        basalt_document_can_redo          (BasaltDocument     *self);
/* What the next undo/redo would do, e.g. "Connect lif1.s_out → dense1.s_in"; NULL if nothing. */
const char     *basalt_document_get_undo_label    (BasaltDocument     *self);
const char     *basalt_document_get_redo_label    (BasaltDocument     *self);
gboolean        basalt_document_undo              (BasaltDocument     *self);
gboolean        basalt_document_redo              (BasaltDocument     *self);

G_END_DECLS
