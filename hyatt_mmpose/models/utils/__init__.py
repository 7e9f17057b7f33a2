from .arm import AttentionResidualModule
from .biformer_block import BiFormerBlock
from .bra import BiLevelRoutingAttention
from .cbam import CBAM
from .depthwise_conv import depthwise_conv2d
from .patch_sampling import image_to_patch, patch_to_image, sample_patches
from .patch_unet import PatchUNet
from .prediction_mode import is_predicting

__all__ = [
    'AttentionResidualModule', 'BiFormerBlock', 'BiLevelRoutingAttention',
    'CBAM', 'depthwise_conv2d', 'is_predicting', 'image_to_patch',
    'patch_to_image', 'sample_patches', 'PatchUNet'
]
