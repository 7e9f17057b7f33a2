"""Adapting a trained model to a new site: per-landmark offsets, and
fine-tuning on a few of its annotated images."""
from .site_offsets import SiteOffsets, SiteOffsetsError, offset_p_values

__all__ = ['SiteOffsets', 'SiteOffsetsError', 'offset_p_values']
