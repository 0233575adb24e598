// Runtime: executes NB201 networks and OFA MobileNetV3 subnets on the CPU.
