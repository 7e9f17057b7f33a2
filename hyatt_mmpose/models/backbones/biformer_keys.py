"""Key names of the official BiFormer ImageNet checkpoints, and their
conversion to :class:`BiFormer`'s."""
import re

import torch

# (pattern, replacement) on the part of a key after the module's prefix.
_RENAMES = [
    (r'^downsample_layers\.', 'embeds.'),
    (r'\.attn\.qkv\.qkv\.', '.attn.qkv.'),  # routed stages: QKVLinear
    (r'\.attn\.wo\.', '.attn.proj.'),
    (r'\.mlp\.3\.', '.mlp.2.'),  # official MLP: Linear, Identity, GELU, Linear
]
# The classifier and its norm have no counterpart in a backbone.
_DROPPED = re.compile(r'^(head|norm|pre_logits)\.')


def convert_official_biformer_keys(state_dict, prefix, *args):
    """``load_state_dict`` pre-hook: renames official BiFormer keys in place.

    A state dict that already uses our names passes unchanged, so the hook
    is harmless for our own checkpoints. The official full-attention stage
    has no QKV bias; a zero bias, which computes the same, is added.
    """
    official = [
        k for k in state_dict
        if k.startswith(prefix) and (k[len(prefix):].startswith(
            'downsample_layers.') or '.attn.qkv.qkv.' in k or '.attn.wo.' in k)
    ]
    if not official:
        return
    for key in [k for k in state_dict if k.startswith(prefix)]:
        name = key[len(prefix):]
        value = state_dict.pop(key)
        if _DROPPED.match(name):
            continue
        for pattern, repl in _RENAMES:
            name = re.sub(pattern, repl, name)
        state_dict[prefix + name] = value
    for key in list(state_dict):
        if key.endswith('.attn.qkv.weight') and \
                key[:-len('weight')] + 'bias' not in state_dict:
            weight = state_dict[key]
            state_dict[key[:-len('weight')] + 'bias'] = torch.zeros(
                weight.shape[0], dtype=weight.dtype)
