import pytest
import torch

from hyatt_mmpose.models.utils import BiFormerBlock, biformer_block


@pytest.mark.parametrize('chunk_rows', [1, 3, 100])
def test_predicting_in_row_chunks_gives_the_same_output(
        monkeypatch, chunk_rows):
    torch.manual_seed(0)
    block = BiFormerBlock(16, 2, n_win=2, topk=1, kv_per_win=2).double()
    block.eval()
    hidden = block.mlp[0].out_features
    x = torch.randn(2, 16, 9, 10, dtype=torch.float64)
    monkeypatch.setattr(biformer_block, '_MLP_CHUNK_ELEMENTS',
                        chunk_rows * 2 * 10 * hidden)
    given = x.clone()
    plain = block(x)  # autograd on: the training path
    with torch.no_grad():
        chunked = block(x)
    torch.testing.assert_close(chunked, plain.detach(), atol=1e-12, rtol=0)
    assert torch.equal(x, given)  # the caller's input is not written to


def test_training_path_keeps_its_graph():
    block = BiFormerBlock(16, 2, n_win=2, topk=1, kv_per_win=2)
    x = torch.randn(1, 16, 8, 8, requires_grad=True)
    block(x).sum().backward()
    assert block.mlp[0].weight.grad.abs().sum() > 0


def test_is_predicting_only_in_eval_without_autograd_or_tracing():
    from hyatt_mmpose.models.utils import is_predicting
    block = BiFormerBlock(16, 2, n_win=2, topk=1)
    assert not is_predicting(block)  # training mode
    block.eval()
    assert not is_predicting(block)  # autograd on
    with torch.no_grad():
        assert is_predicting(block)
        block.train()
        assert not is_predicting(block)
