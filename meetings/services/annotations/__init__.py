"""Members' annotations of board packs: writing them, carrying them into new
pack versions, purging them under the body's policy, exporting them.

Who may do what:
- annotate a pack: a current member of one of the meeting's bodies, or a
  clerk, who may open that pack (the members' pack is confidential);
- read: one's own annotations, and the shared ones of meetings of bodies
  one sits on (clerks: every shared one), in packs one may open;
- change, share or delete: the author only.
"""

from meetings.services.annotations.access import (
    annotations_in_pack,
    author_name,
    may_annotate,
    may_open,
    newer_pack,
    orphans_of_earlier_versions,
)
from meetings.services.annotations.layout import PackLayout, pack_layout
from meetings.services.annotations.retention import (
    PurgeReport,
    annotation_heading,
    export_annotations_text,
    meeting_under_hold,
    own_annotations,
    purge_annotations,
    retention_days,
)
from meetings.services.annotations.versions import (
    ReanchorReport,
    carry_annotations_forward,
    reanchor_annotations,
)
from meetings.services.annotations.writing import (
    PackSuperseded,
    create_annotation,
    delete_annotation,
    share_annotation,
    update_annotation,
)

__all__ = [
    "PackLayout",
    "PackSuperseded",
    "PurgeReport",
    "ReanchorReport",
    "annotation_heading",
    "annotations_in_pack",
    "author_name",
    "carry_annotations_forward",
    "create_annotation",
    "delete_annotation",
    "export_annotations_text",
    "may_annotate",
    "may_open",
    "meeting_under_hold",
    "newer_pack",
    "orphans_of_earlier_versions",
    "own_annotations",
    "pack_layout",
    "purge_annotations",
    "reanchor_annotations",
    "retention_days",
    "share_annotation",
    "update_annotation",
]
