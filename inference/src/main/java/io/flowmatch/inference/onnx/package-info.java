/**
 * Building ONNX graphs in Java (protobuf {@code ModelProto}) without a Python toolchain: nodes,
 * initializers in float32 or float16, and the metadata props of the model file.
 */
package io.flowmatch.inference.onnx;
