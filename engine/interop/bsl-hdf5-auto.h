/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* HDF5 ids are plain integers closed by a function per kind of object: one type per kind lets
 * g_auto() close each with the right one when it goes out of scope. */

#include <glib.h>
#include <hdf5.h>

typedef hid_t BslH5File;
typedef hid_t BslH5Group;
typedef hid_t BslH5Dataset;
typedef hid_t BslH5Dataspace;
typedef hid_t BslH5Datatype;
typedef hid_t BslH5Attribute;
typedef hid_t BslH5PropList;

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (BslH5File, H5Fclose, H5I_INVALID_HID)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (BslH5Group, H5Gclose, H5I_INVALID_HID)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (BslH5Dataset, H5Dclose, H5I_INVALID_HID)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (BslH5Dataspace, H5Sclose, H5I_INVALID_HID)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (BslH5Datatype, H5Tclose, H5I_INVALID_HID)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (BslH5Attribute, H5Aclose, H5I_INVALID_HID)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (BslH5PropList, H5Pclose, H5I_INVALID_HID)

/* Closes an id before the end of its scope, where the order of closing matters, and leaves it
 * invalid for its cleanup. */
#define bsl_h5_clear(id_pointer, close_func)  \
  G_STMT_START                                \
  {                                           \
    if (*(id_pointer) != H5I_INVALID_HID)     \
      (close_func) (*(id_pointer));           \
    *(id_pointer) = H5I_INVALID_HID;          \
  }                                           \
  G_STMT_END
