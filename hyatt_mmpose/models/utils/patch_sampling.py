"""Square patches of an image around points, and the exact map between
patch and image pixels, for the refinement stage
(:class:`.PatchRefinementHead`).

Coordinates are pixel centres, as mmpose's: pixel ``i`` spans
``[i - 0.5, i + 0.5]``. A patch of ``P x P`` pixels, ``pixel`` image pixels
apart along each axis, centred on ``c`` and turned by ``angle`` (radians;
with the image's y axis pointing down, a positive angle turns the patch
clockwise as the image is drawn) holds
patch pixel ``(u, v)`` at image point
``c + R(angle) @ ((u, v) - (P - 1) / 2) * pixel``.
"""
import torch
import torch.nn.functional as F


def patch_to_image(points: torch.Tensor, centers: torch.Tensor,
                   pixel: torch.Tensor, angles: torch.Tensor,
                   patch_size: int) -> torch.Tensor:
    """Patch pixels to image pixels.

    Args:
        points (Tensor): ``(M, ..., 2)`` ``(u, v)`` in patch pixels.
        centers (Tensor): ``(M, 2)`` patch centres ``(x, y)`` in image px.
        pixel (Tensor): ``(M, 2)`` image pixels per patch pixel along the
            patch's own axes (x, y); two values for anisotropic pixels.
        angles (Tensor): ``(M, )`` turn of the patch, radians.
        patch_size (int): ``P``, the patch's side in patch pixels.

    Returns:
        Tensor: ``(M, ..., 2)`` ``(x, y)`` in image pixels.
    """
    extra = (1, ) * (points.dim() - 2)
    half = (patch_size - 1) / 2
    offset = (points - half) * pixel.view(-1, *extra, 2)
    cos = torch.cos(angles).view(-1, *extra)
    sin = torch.sin(angles).view(-1, *extra)
    x = cos * offset[..., 0] - sin * offset[..., 1]
    y = sin * offset[..., 0] + cos * offset[..., 1]
    return torch.stack([x, y], -1) + centers.view(-1, *extra, 2)


def image_to_patch(points: torch.Tensor, centers: torch.Tensor,
                   pixel: torch.Tensor, angles: torch.Tensor,
                   patch_size: int) -> torch.Tensor:
    """Image pixels to patch pixels, the inverse of :func:`patch_to_image`.

    Args:
        points (Tensor): ``(M, ..., 2)`` ``(x, y)`` in image pixels.
        centers, pixel, angles, patch_size: As :func:`patch_to_image`.

    Returns:
        Tensor: ``(M, ..., 2)`` ``(u, v)`` in patch pixels.
    """
    extra = (1, ) * (points.dim() - 2)
    offset = points - centers.view(-1, *extra, 2)
    cos = torch.cos(angles).view(-1, *extra)
    sin = torch.sin(angles).view(-1, *extra)
    # R(-angle), then undo the pixel size
    u = cos * offset[..., 0] + sin * offset[..., 1]
    v = -sin * offset[..., 0] + cos * offset[..., 1]
    return torch.stack([u, v], -1) / pixel.view(-1, *extra, 2) + \
        (patch_size - 1) / 2


def sample_patches(image: torch.Tensor, centers: torch.Tensor,
                   pixel: torch.Tensor, angles: torch.Tensor,
                   patch_size: int) -> torch.Tensor:
    """Bilinear patches of one image; outside the image reads as 0.

    Sampling is bilinear at the patch's pixel spacing, so the image should
    already be at about that spacing (the refinement head resizes it with
    area averaging first): a patch much coarser than the image would alias.

    Args:
        image (Tensor): ``(C, H, W)``.
        centers, pixel, angles, patch_size: As :func:`patch_to_image`, in
            this image's pixels.

    Returns:
        Tensor: ``(M, C, P, P)`` patches.
    """
    _, h, w = image.shape
    steps = torch.arange(patch_size, dtype=image.dtype, device=image.device)
    v, u = torch.meshgrid(steps, steps, indexing='ij')
    grid = torch.stack([u, v], -1).expand(len(centers), -1, -1, -1)
    where = patch_to_image(grid, centers, pixel, angles, patch_size)
    # align_corners=True: -1 and 1 are the centres of the corner pixels
    scale = where.new_tensor([2 / max(w - 1, 1), 2 / max(h - 1, 1)])
    normalized = where * scale - 1
    # all patches from one image in one call: stack them along the height
    m = len(centers)
    rows = normalized.reshape(1, m * patch_size, patch_size, 2)
    out = F.grid_sample(
        image[None],
        rows,
        mode='bilinear',
        padding_mode='zeros',
        align_corners=True)
    c = image.shape[0]
    return out.view(c, m, patch_size, patch_size).transpose(0, 1)
