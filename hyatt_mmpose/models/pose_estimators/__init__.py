from .refined_topdown import RefinedTopdownPoseEstimator

__all__ = ['RefinedTopdownPoseEstimator']
