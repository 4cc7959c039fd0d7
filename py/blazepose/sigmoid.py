"""Logistic function that, like C++ float maths, saturates instead of overflowing."""

import math


def sigmoid(x: float) -> float:
    if x < -700.0:
        return 0.0
    return 1.0 / (1.0 + math.exp(-x))
