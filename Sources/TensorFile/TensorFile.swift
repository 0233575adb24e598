// TensorFile: safetensors reading and writing with full verification.
