from .arm import AttentionResidualModule
from .biformer_block import BiFormerBlock
from .bra import BiLevelRoutingAttention
from .cbam import CBAM

__all__ = [
    'AttentionResidualModule', 'BiFormerBlock', 'BiLevelRoutingAttention',
    'CBAM'
]
