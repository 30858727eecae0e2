//===- OnnxSchema.cpp - ONNX's operator schemas ---------------------------===//

#include "compiler/frontends/onnx/OnnxSchema.h"

#include <onnx/defs/schema.h>

std::optional<tgc::onnx_import::OnnxArity>
tgc::onnx_import::onnxArity(const std::string &opType, int opset) {
  const onnx::OpSchema *schema =
      onnx::OpSchemaRegistry::Schema(opType, opset, "");
  if (!schema)
    return std::nullopt;
  OnnxArity arity;
  const auto &domains =
      onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
  auto known = domains.find("");
  arity.current = known != domains.end() && opset <= known->second.second;
  arity.minInputs = schema->min_input();
  arity.maxInputs = schema->max_input();
  arity.minOutputs = schema->min_output();
  arity.maxOutputs = schema->max_output();
  for (const onnx::OpSchema::FormalParameter &formal : schema->inputs())
    arity.inputNames.push_back(formal.GetName());
  return arity;
}
