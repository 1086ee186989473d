/* SPDX-License-Identifier: MIT */
/*
 * Inside the VM: judge the crash images ctoracle exported, which only the
 * kernel can recover (xfs replays its log at mount). One process judges
 * every image of DIR:
 *
 *   for each representative of DIR/list ("KEY MARKS"): attach a loop
 *   device (the guest's, never the host's) to DIR/KEY.img, mount it (log
 *   recovery, traced by the kernel's xfs_log_recover_* events), run the
 *   durability check on the mount and write DIR/KEY.map, unmount, run
 *   "xfs_repair -n" on the recovered image, detach; then the members
 *   ("KEY MARKS REPKEY BLOCKS") take their representative's verdict where
 *   xr_judge_members allows it, and the rest are judged the same way
 *   without a map.
 *
 * Each verdict is a line "KEY ok|fsck|durability|both|error MARK MESSAGE"
 * of DIR/verdicts. Under TCG a program start costs 0.1-0.2 s, several
 * per image when a shell drove losetup, mount, the check, umount and
 * losetup -d: here xfs_repair is the only program started per image.
 */
#ifndef GUEST_JUDGE_H
#define GUEST_JUDGE_H

#include <stddef.h>
#include <stdint.h>

#include "ctmanifest.h"

struct gj_opts {
	const char *mnt;	/* the mount point (created if missing) */
	const char *tracing;	/* tracefs, for the recovery events */
	/* The --marks parser: ids known to the manifest, 0 or a DX_EXIT. */
	int (*parse_marks)(const char *s, const struct ctm_manifest *m,
			   const char *mpath, uint64_t **ids, size_t *n);
	const char *mpath;	/* the manifest's path, for messages */
};

struct gj_stats {
	size_t mounted;		/* images judged on a mount */
	size_t members;		/* images listed with a representative */
	size_t reused;		/* of which took its verdict */
	size_t rest;		/* of which were judged on a mount */
};

/* Judge DIR as above. 0, or a DX_EXIT status with a message on stderr
 * (not inside the VM, DIR unreadable, no loop device, a bad list line). */
int gj_run(const struct ctm_manifest *m, const char *dir,
	   const struct gj_opts *o, struct gj_stats *st);

#endif /* GUEST_JUDGE_H */
