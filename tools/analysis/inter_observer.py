"""The human reference on ISBI 2015: one doctor's landmarks scored against
the other's, with the same metrics as the models.

    python tools/analysis/inter_observer.py data/isbi2015 --split Test1Data
"""
import argparse

from hyatt_mmpose.datasets.converters import ConversionError
from hyatt_mmpose.evaluation import score_inter_observer


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('root', help='the ISBI 2015 root')
    parser.add_argument(
        '--split',
        default='Test1Data',
        choices=['TrainingData', 'Test1Data', 'Test2Data'])
    parser.add_argument(
        '--pred', default='junior', choices=['junior', 'senior'])
    args = parser.parse_args()
    truth = 'senior' if args.pred == 'junior' else 'junior'
    try:
        metrics = score_inter_observer(args.root, args.split, args.pred, truth)
    except ConversionError as err:
        raise SystemExit(f'error: {err}')
    print(f'{args.pred} against {truth}, {args.split}')
    for key, value in metrics.items():
        print(f'{key:<12}{value:>10.2f}')


if __name__ == '__main__':
    main()
