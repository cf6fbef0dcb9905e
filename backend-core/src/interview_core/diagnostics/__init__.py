"""The walking skeleton: proves that each queue reaches a worker of the right role."""
