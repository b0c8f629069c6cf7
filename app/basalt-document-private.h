/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The document's undo history, shared by the files that make its edits. */

#include "basalt-document.h"

G_BEGIN_DECLS

typedef enum
{
  OP_PRESENCE,     /* a process appears (forward) or disappears, with its connections */
  OP_CONNECTION,
  OP_MOVE,
  OP_RENAME,
  OP_PARAM,
  OP_SHAPE,
  OP_RUN_TAG,
  OP_GROUPS,       /* the "groups" array (sub-networks drawn as one node) */
  OP_MODEL,        /* a process's own tag */
  OP_REPLACE,      /* a whole process (an Equations process whose schema changed) */
  OP_RUN_STEPS,    /* the steps a run of set length makes (run.steps) */
  OP_PROBE,        /* a probe appears (forward) or disappears */
} OpKind;

typedef struct
{
  OpKind       kind;
  gboolean     forward_adds;     /* PRESENCE, CONNECTION, PROBE: TRUE when redo adds */
  BslProcess  *snapshot;         /* PRESENCE; REPLACE: before */
  BslProcess  *snapshot_after;   /* REPLACE */
  int          position;         /* PRESENCE, PROBE */
  GPtrArray   *connections;      /* PRESENCE: BslConnection* touching the process */
  char        *process;          /* MOVE, PARAM, SHAPE; RENAME: old name; PROBE: target */
  char        *other;            /* RENAME: new name; PARAM: var */
  BslConnection *connection;     /* CONNECTION */
  gboolean     had_position[2];  /* MOVE: before, after */
  double       x[2], y[2];       /* MOVE */
  BslArray    *value[2];         /* PARAM: before, after (NULL = unset) */
  guint        ndim[2];          /* SHAPE */
  gsize        dims[2][BSL_MAX_DIMS];
  BslTag       tag[2];           /* RUN_TAG, MODEL */
  JsonNode    *groups[2];        /* GROUPS: before, after (NULL = none) */
  gint64       steps[2];         /* RUN_STEPS */
} Op;

typedef struct
{
  char      *label;
  GPtrArray *ops;                /* Op*, in the order they were applied */
  guint64    serial;
} Command;

struct _BasaltDocument
{
  GObject     parent_instance;

  BslGraph   *graph;
  GFile      *file;
  GPtrArray  *undo_stack;        /* Command*, last = most recent */
  GPtrArray  *redo_stack;        /* Command*, last = next to redo */
  guint64     next_serial;
  guint64     saved_serial;      /* serial of the command on top when last saved/loaded */
  gboolean    dirty;
  guint64     change_count;      /* one per "changed" */
};

/* basalt-document.c */
void      _basalt_document_update_state (BasaltDocument *self);
void      _basalt_document_notify_file  (BasaltDocument *self);
void      _basalt_document_emit_changed (BasaltDocument *self,
                                         guint           flags,
                                         const char     *process,
                                         const char     *var);

/* basalt-document-ops.c */
/* json_node_copy() shares arrays and objects; edits need a copy of their own. */
JsonNode *_basalt_document_deep_copy  (JsonNode       *node);
Op       *_basalt_document_op_new     (OpKind          kind);
void      _basalt_document_op_free    (gpointer        op);
/* Replays one operation forwards (redo) or backwards (undo). */
void      _basalt_document_op_apply   (BasaltDocument *self,
                                       Op             *op,
                                       gboolean        forward);

/* basalt-document-history.c */
Command  *_basalt_document_command_new    (const char     *label);
void      _basalt_document_command_free   (gpointer        command);
/* Adds op to the command unless it is NULL (an edit that changed nothing of that kind). */
void      _basalt_document_command_add_op (Command        *command,
                                           Op             *op);
/* Records an edit that has just been applied (taking the command); one of no operation is
 * dropped. */
void      _basalt_document_push_command   (BasaltDocument *self,
                                           Command        *command);
/* The serial of the command on top of the undo stack (0: none). */
guint64   _basalt_document_current_serial (BasaltDocument *self);
/* Records an edit made of one operation, already applied. */
void      _basalt_document_push_op    (BasaltDocument *self,
                                       const char     *label,
                                       Op             *op);
/* Records an edit made of several operations (Op*, taken), already applied; none: no edit. */
void      _basalt_document_push_ops   (BasaltDocument *self,
                                       const char     *label,
                                       GPtrArray      *ops);

/* basalt-document-run.c */
/* Removes the probes of a process now, adding to ops how to bring them back. */
void      _basalt_document_take_probes_of (BasaltDocument *self,
                                       GPtrArray      *ops,
                                       const char     *process);

/* basalt-document-edits.c */
/* Refuses (naming it) a process that the network does not have. */
gboolean  _basalt_document_check_names (BasaltDocument     *self,
                                        const char *const  *names,
                                        GError            **error);

/* basalt-document-groups.c */
/* The operation that keeps the groups true to the graph after a process was renamed
 * (old_name -> new_name) or removed (NULL, NULL); NULL when nothing changes. */
Op       *_basalt_document_fix_groups (BasaltDocument *self,
                                       const char     *old_name,
                                       const char     *new_name);

G_END_DECLS
