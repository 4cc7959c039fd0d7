"""Exponential low-pass filter (MediaPipe mediapipe/util/filtering/low_pass_filter.cc)."""


class LowPassFilter:
    def __init__(self, alpha: float) -> None:
        self.alpha = alpha
        self.initialized = False
        self.raw_value = 0.0
        self.stored_value = 0.0

    def apply(self, value: float) -> float:
        return self.apply_with_alpha(value, self.alpha)

    def apply_with_alpha(self, value: float, alpha: float) -> float:
        """The first value passes through; then alpha * value + (1 - alpha) * previous."""
        if self.initialized:
            result = alpha * value + (1.0 - alpha) * self.stored_value
        else:
            result = value
            self.initialized = True
        self.raw_value = value
        self.stored_value = result
        return result

    def reset(self) -> None:
        self.initialized = False
