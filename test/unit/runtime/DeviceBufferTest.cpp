//===- DeviceBufferTest.cpp - device-resident buffers and donation --------===//
//
// Buffers passed to calls instead of host tensors, donation (an output
// written over an input buffer), and every misuse the runtime must report,
// on the host device with the hand-written test bundle:
//
//   main(x, y) -> (x + y, (x + y) * w, x)
//     step 0: scratch = add(x, y)   step 1: copy scratch -> out0
//     step 2: out1 = mul(scratch, w) step 3: copy x -> out2
//   negate(m) -> !m (one kernel reads m and writes the output)
//
//===----------------------------------------------------------------------===//

#include "test/unit/runtime/TestBundle.h"

#include "tgc/runtime.hpp"

#include <gtest/gtest.h>

using namespace tgc;
using namespace tgc::test;

namespace {

class DeviceBuffers : public testing::Test {
protected:
  void SetUp() override {
    bytes_ = buildAddBundle(hostKernelLibrary());
    bundle_ = std::make_unique<Bundle>(
        Bundle::openMemory(bytes_.data(), bytes_.size(), "add.bin"));
    device_ = std::make_unique<Device>(Device::open("host", bundle_.get()));
    module_ = std::make_unique<Module>(Module::load(*device_, *bundle_));
    session_ = std::make_unique<Session>(*module_);
    main_ = module_->findFunction("main");
  }

  static Tensor floats(std::vector<float> values) {
    Tensor t(TGC_DTYPE_F32, {2, 3});
    std::copy(values.begin(), values.end(), t.dataAs<float>());
    return t;
  }
  static std::vector<float> values(const Tensor &t) {
    return std::vector<float>(t.dataAs<float>(),
                              t.dataAs<float>() + t.elementCount());
  }
  Buffer buffer(tgc_dtype_t dtype = TGC_DTYPE_F32,
                std::vector<int64_t> shape = {2, 3}) {
    return Buffer::create(*module_, TensorType(dtype, std::move(shape)));
  }
  Buffer uploaded(std::vector<float> v) {
    Buffer b = buffer();
    session_->upload(b, floats(std::move(v)));
    return b;
  }
  std::vector<float> downloaded(const Buffer &b) {
    Tensor t(TGC_DTYPE_F32, {2, 3});
    session_->download(b, t);
    return values(t);
  }

  std::vector<uint8_t> bytes_;
  std::unique_ptr<Bundle> bundle_;
  std::unique_ptr<Device> device_;
  std::unique_ptr<Module> module_;
  std::unique_ptr<Session> session_;
  size_t main_ = 0;
};

/// Runs `body`, which must fail with `code`; returns the message.
template <typename Fn> std::string errorOf(Fn &&body, tgc_status_code_t code) {
  try {
    body();
  } catch (const Error &e) {
    EXPECT_EQ(e.code(), code)
        << tgc_status_code_name(e.code()) << ": " << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

const std::vector<float> kX = {1, 2, 3, 4, 5, 6};
const std::vector<float> kY = {10, 20, 30, 40, 50, 60};

} // namespace

TEST_F(DeviceBuffers, TypeAndRoundTrip) {
  Buffer b = buffer(TGC_DTYPE_F32, {2, 3});
  EXPECT_EQ(b.type().str(), "tensor<2x3xf32>");
  EXPECT_EQ(b.byteSize(), 24u);
  session_->upload(b, floats(kX));
  EXPECT_EQ(downloaded(b), kX);

  Buffer scalar = buffer(TGC_DTYPE_I32, {});
  EXPECT_EQ(scalar.type().str(), "tensor<i32>");
  EXPECT_EQ(scalar.byteSize(), 4u);
  Buffer empty = buffer(TGC_DTYPE_F32, {0, 3});
  EXPECT_EQ(empty.byteSize(), 0u);
  Tensor none(TGC_DTYPE_F32, {0, 3});
  session_->upload(empty, none);
  session_->download(empty, none);
}

TEST_F(DeviceBuffers, CallWithBuffersAndTensorsMixed) {
  Buffer x = uploaded(kX), out0 = buffer(), out2 = buffer();
  Tensor y = floats(kY), out1(TGC_DTYPE_F32, {2, 3});
  session_->setProfiling(true);
  session_->callArgs(main_, {x, y}, {out0, out1, out2});
  EXPECT_EQ(downloaded(out0), (std::vector<float>{11, 22, 33, 44, 55, 66}));
  EXPECT_EQ(values(out1), (std::vector<float>{11, 44, 99, 176, 275, 396}));
  EXPECT_EQ(downloaded(out2), kX);
  // Only the host tensors count as moved across the link.
  CallProfile profile = session_->lastProfile();
  EXPECT_EQ(profile.hostToDeviceBytes, 24u);
  EXPECT_EQ(profile.deviceToHostBytes, 24u);
}

TEST_F(DeviceBuffers, HostTensorsStillWorkThroughCallArgs) {
  Tensor x = floats(kX), y = floats(kY);
  std::vector<Tensor> out = session_->makeOutputs(main_);
  session_->callArgs(main_, {x, y}, {out[0], out[1], out[2]});
  EXPECT_EQ(values(out[0]), (std::vector<float>{11, 22, 33, 44, 55, 66}));
  EXPECT_EQ(values(out[2]), kX);
}

TEST_F(DeviceBuffers, DonationUpdatesInPlace) {
  // out0 = x + y written over y: y is last read by step 0, out0 first
  // written by step 1. Repeated calls accumulate like a cache.
  EXPECT_TRUE(module_->canDonate(main_, 1, 0));
  Buffer x = uploaded(kX), y = uploaded(kY);
  Tensor out1(TGC_DTYPE_F32, {2, 3}), out2(TGC_DTYPE_F32, {2, 3});
  for (int step = 0; step < 3; ++step)
    session_->callArgs(main_, {x, y}, {y, out1, out2});
  EXPECT_EQ(downloaded(y), (std::vector<float>{13, 26, 39, 52, 65, 78}));
  EXPECT_EQ(values(out2), kX);
}

TEST_F(DeviceBuffers, DonationOfACopiedInputIsANoOp) {
  // out2 is a copy of x at the same offset: with x donated, it is skipped.
  EXPECT_TRUE(module_->canDonate(main_, 0, 2));
  Buffer x = uploaded(kX), y = uploaded(kY);
  Tensor out0(TGC_DTYPE_F32, {2, 3}), out1(TGC_DTYPE_F32, {2, 3});
  session_->callArgs(main_, {x, y}, {out0, out1, x});
  EXPECT_EQ(downloaded(x), kX);
  EXPECT_EQ(values(out0), (std::vector<float>{11, 22, 33, 44, 55, 66}));
}

TEST_F(DeviceBuffers, UnsafeDonationIsRefused) {
  std::string why;
  EXPECT_FALSE(module_->canDonate(main_, 0, 0, &why));
  EXPECT_EQ(why, "function 'main' output 0 cannot be written over input 0: "
                 "step 3 reads the input after step 1 writes the output");
  Buffer x = uploaded(kX), y = uploaded(kY);
  Tensor out1(TGC_DTYPE_F32, {2, 3}), out2(TGC_DTYPE_F32, {2, 3});
  EXPECT_EQ(errorOf(
                [&] {
                  session_->callArgs(main_, {x, y}, {x, out1, out2});
                },
                TGC_STATUS_INVALID_ARGUMENT),
            why);
  // Nothing ran: x is untouched.
  EXPECT_EQ(downloaded(x), kX);

  // One kernel reads the input and writes the output.
  size_t negate = module_->findFunction("negate");
  EXPECT_FALSE(module_->canDonate(negate, 0, 0, &why));
  EXPECT_EQ(why, "function 'negate' output 0 cannot be written over input 0: "
                 "step 0 reads the input while it writes the output");
  Buffer m = buffer(TGC_DTYPE_I1, {4});
  EXPECT_EQ(errorOf([&] { session_->callArgs(negate, {m}, {m}); },
                    TGC_STATUS_INVALID_ARGUMENT),
            why);
}

TEST_F(DeviceBuffers, DonationQueryChecksItsArguments) {
  tgc_status_t status =
      tgc_module_function_check_donation(module_->get(), main_, 2, 0);
  EXPECT_EQ(tgc_status_code(status), TGC_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(tgc_status_message(status),
               "function 'main' has 2 inputs and 3 outputs, no input 2 and "
               "output 0");
  tgc_status_free(status);
  status = tgc_module_function_check_donation(module_->get(), 7, 0, 0);
  EXPECT_EQ(tgc_status_code(status), TGC_STATUS_INVALID_ARGUMENT);
  tgc_status_free(status);
}

TEST_F(DeviceBuffers, OneBufferAsTwoOutputsIsRefused) {
  Buffer x = uploaded(kX), y = uploaded(kY), out = buffer();
  Tensor out1(TGC_DTYPE_F32, {2, 3});
  EXPECT_EQ(errorOf(
                [&] {
                  session_->callArgs(main_, {x, y}, {out, out1, out});
                },
                TGC_STATUS_INVALID_ARGUMENT),
            "function 'main' outputs 0 and 2 are the same buffer");
  // As two inputs it is fine: both are only read.
  Tensor out0(TGC_DTYPE_F32, {2, 3}), out2(TGC_DTYPE_F32, {2, 3});
  session_->callArgs(main_, {x, x}, {out0, out1, out2});
  EXPECT_EQ(values(out0), (std::vector<float>{2, 4, 6, 8, 10, 12}));
}

TEST_F(DeviceBuffers, WrongTypeIsRefused) {
  Buffer x = uploaded(kX), y = uploaded(kY);
  Buffer wrongShape = buffer(TGC_DTYPE_F32, {3, 2});
  Buffer wrongDtype = buffer(TGC_DTYPE_I32, {2, 3});
  Tensor out0(TGC_DTYPE_F32, {2, 3}), out1(TGC_DTYPE_F32, {2, 3}),
      out2(TGC_DTYPE_F32, {2, 3});
  EXPECT_EQ(
      errorOf(
          [&] {
            session_->callArgs(main_, {x, wrongShape}, {out0, out1, out2});
          },
          TGC_STATUS_INVALID_ARGUMENT),
      "function 'main' input 1: expected tensor<2x3xf32>, got a buffer of "
      "tensor<3x2xf32>");
  EXPECT_EQ(
      errorOf(
          [&] {
            session_->callArgs(main_, {x, y}, {out0, wrongDtype, out2});
          },
          TGC_STATUS_INVALID_ARGUMENT),
      "function 'main' output 1: expected tensor<2x3xf32>, got a buffer of "
      "tensor<2x3xi32>");
  EXPECT_EQ(errorOf(
                [&] {
                  session_->callArgs(main_, {x}, {out0, out1, out2});
                },
                TGC_STATUS_INVALID_ARGUMENT),
            "function 'main' takes 2 inputs, got 1");
}

TEST_F(DeviceBuffers, TransfersCheckTheTensor) {
  Buffer b = buffer();
  Tensor wrongShape(TGC_DTYPE_F32, {6});
  EXPECT_EQ(errorOf([&] { session_->upload(b, wrongShape); },
                    TGC_STATUS_INVALID_ARGUMENT),
            "upload into a tensor<2x3xf32> buffer: expected tensor<2x3xf32>, "
            "got tensor<6xf32>");
  Tensor wrongDtype(TGC_DTYPE_I32, {2, 3});
  EXPECT_EQ(errorOf([&] { session_->download(b, wrongDtype); },
                    TGC_STATUS_INVALID_ARGUMENT),
            "download from a tensor<2x3xf32> buffer: expected "
            "tensor<2x3xf32>, got tensor<2x3xi32>");
  int64_t shape[2] = {2, 3};
  tgc_tensor_view_t null = {TGC_DTYPE_F32, 2, shape, nullptr};
  tgc_status_t status = tgc_session_upload(session_->get(), b.get(), &null);
  EXPECT_EQ(tgc_status_code(status), TGC_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(tgc_status_message(status),
               "upload into a tensor<2x3xf32> buffer: data pointer is null");
  tgc_status_free(status);
}

TEST_F(DeviceBuffers, CreateChecksTheType) {
  tgc_buffer_t *handle = nullptr;
  int64_t negative[1] = {-1};
  tgc_status_t status =
      tgc_buffer_create(module_->get(), TGC_DTYPE_F32, 1, negative, &handle);
  EXPECT_EQ(tgc_status_code(status), TGC_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(handle, nullptr);
  tgc_status_free(status);
  int64_t shape[1] = {4};
  status =
      tgc_buffer_create(module_->get(), tgc_dtype_t(42), 1, shape, &handle);
  EXPECT_EQ(tgc_status_code(status), TGC_STATUS_INVALID_ARGUMENT);
  tgc_status_free(status);
  status = tgc_buffer_create(module_->get(), TGC_DTYPE_F32, -1, shape, &handle);
  EXPECT_EQ(tgc_status_code(status), TGC_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(tgc_status_message(status),
               "tgc_buffer_create: rank -1 is negative");
  tgc_status_free(status);
  status = tgc_buffer_create(nullptr, TGC_DTYPE_F32, 1, shape, &handle);
  EXPECT_STREQ(tgc_status_message(status), "tgc_buffer_create: module is null");
  tgc_status_free(status);
  // Too large to allocate: refused by the size limits, not by the allocator.
  int64_t huge[2] = {int64_t(1) << 40, int64_t(1) << 20};
  status = tgc_buffer_create(module_->get(), TGC_DTYPE_F32, 2, huge, &handle);
  EXPECT_EQ(tgc_status_code(status), TGC_STATUS_INVALID_ARGUMENT);
  tgc_status_free(status);
}

TEST_F(DeviceBuffers, BufferOfAnotherDeviceIsRefused) {
  Device other = Device::open("host", bundle_.get());
  Module otherModule = Module::load(other, *bundle_);
  Buffer foreign =
      Buffer::create(otherModule, TensorType(TGC_DTYPE_F32, {2, 3}));
  Buffer y = uploaded(kY);
  Tensor out0(TGC_DTYPE_F32, {2, 3}), out1(TGC_DTYPE_F32, {2, 3}),
      out2(TGC_DTYPE_F32, {2, 3});
  const std::string because =
      "the buffer belongs to device host opened separately, not to the "
      "session's device host (a buffer is used only on the device it was "
      "made on)";
  EXPECT_EQ(errorOf(
                [&] {
                  session_->callArgs(main_, {foreign, y}, {out0, out1, out2});
                },
                TGC_STATUS_INVALID_ARGUMENT),
            "function 'main' input 0: " + because);
  EXPECT_EQ(errorOf([&] { session_->upload(foreign, out0); },
                    TGC_STATUS_INVALID_ARGUMENT),
            "upload: " + because);

  // A second module on the same device shares its buffers.
  Module sibling = Module::load(*device_, *bundle_);
  Session siblingSession(sibling);
  Buffer x = uploaded(kX);
  siblingSession.callArgs(main_, {x, y}, {out0, out1, out2});
  EXPECT_EQ(values(out0), (std::vector<float>{11, 22, 33, 44, 55, 66}));
}

TEST_F(DeviceBuffers, DestroyedBufferIsReported) {
  tgc_buffer_t *handle = nullptr;
  int64_t shape[2] = {2, 3};
  tgc_status_t status =
      tgc_buffer_create(module_->get(), TGC_DTYPE_F32, 2, shape, &handle);
  ASSERT_EQ(status, nullptr);
  tgc_buffer_destroy(handle);
  tgc_buffer_destroy(handle); // a second destroy is harmless

  Tensor y = floats(kY), out(TGC_DTYPE_F32, {2, 3});
  tgc_arg_t in[2] = {{tgc_tensor_view_t(), handle}, {y.view(), nullptr}};
  tgc_arg_t outs[3] = {
      {out.view(), nullptr}, {out.view(), nullptr}, {out.view(), nullptr}};
  status = tgc_session_call_args(session_->get(), main_, in, 2, outs, 3);
  EXPECT_EQ(tgc_status_code(status), TGC_STATUS_FAILED_PRECONDITION);
  EXPECT_STREQ(tgc_status_message(status),
               "tgc_session_call_args: input 0: the buffer was destroyed (or "
               "is not a tgc_buffer_t)");
  tgc_status_free(status);

  tgc_tensor_view_t view = y.view();
  status = tgc_session_upload(session_->get(), handle, &view);
  EXPECT_EQ(tgc_status_code(status), TGC_STATUS_FAILED_PRECONDITION);
  tgc_status_free(status);
  tgc_tensor_view_t type;
  status = tgc_buffer_type(handle, &type);
  EXPECT_EQ(tgc_status_code(status), TGC_STATUS_FAILED_PRECONDITION);
  tgc_status_free(status);
  EXPECT_EQ(tgc_buffer_byte_size(handle), 0u);
}

TEST_F(DeviceBuffers, AsyncTransfersAndCallsRunInOrder) {
  Buffer x = buffer(), y = buffer();
  Tensor xs = floats(kX), ys = floats(kY);
  Tensor out1(TGC_DTYPE_F32, {2, 3}), out2(TGC_DTYPE_F32, {2, 3});
  Tensor result(TGC_DTYPE_F32, {2, 3});
  session_->uploadAsync(x, xs);
  session_->uploadAsync(y, ys);
  session_->callArgsAsync(main_, {x, y}, {y, out1, out2});
  session_->callArgsAsync(main_, {x, y}, {y, out1, out2});
  session_->downloadAsync(y, result);
  session_->synchronize();
  EXPECT_EQ(values(result), (std::vector<float>{12, 24, 36, 48, 60, 72}));
}

TEST_F(DeviceBuffers, BuffersOutliveTheirModuleAndDevice) {
  Buffer x = uploaded(kX);
  Session session(*module_);
  session_.reset();
  module_.reset();
  device_.reset();
  Tensor back(TGC_DTYPE_F32, {2, 3});
  session.download(x, back);
  EXPECT_EQ(values(back), kX);
}

TEST_F(DeviceBuffers, DestroyingABufferWhileACallIsPendingIsSafe) {
  Tensor ys = floats(kY), out0(TGC_DTYPE_F32, {2, 3}),
         out1(TGC_DTYPE_F32, {2, 3}), out2(TGC_DTYPE_F32, {2, 3});
  {
    Buffer x = uploaded(kX);
    session_->callArgsAsync(main_, {x, ys}, {out0, out1, out2});
  } // destroyed here; the pending call keeps its memory
  session_->synchronize();
  EXPECT_EQ(values(out0), (std::vector<float>{11, 22, 33, 44, 55, 66}));
}

// The compiler marks an input binding in place when the kernel reads each of
// its elements only before writing the same output element (a lone
// elementwise op such as a KV cache update): such a kernel may then run
// with its input and output on one buffer.
TEST_F(DeviceBuffers, InPlaceKernelBindingsAllowDonation) {
  TModule m = addModule();
  (*m.kernels[0].bindings)[1].inPlace = true; // add reads y in place
  // main: out0 = add(x, y) straight into out0, no scratch, then as before.
  m.functions[0].steps = {
      {k::dispatch, 0, {{0, 0}, {1, 0}, {2, 0}}, 0},
      {k::dispatch, 1, {{2, 0}, {3, 0}, {4, 0}}, 0},
      {k::copy, 0, {{0, 0}, {6, 0}}, 24},
  };
  std::vector<uint8_t> bytes = buildAddBundle(hostKernelLibrary(), m);
  Bundle b = Bundle::openMemory(bytes.data(), bytes.size(), "inplace.bin");
  Module module = Module::load(*device_, b);
  Session session(module);
  EXPECT_TRUE(module.canDonate(0, 1, 0));
  // x is read through a binding that is not in place.
  std::string why;
  EXPECT_FALSE(module.canDonate(0, 0, 0, &why));
  EXPECT_EQ(why, "function 'main' output 0 cannot be written over input 0: "
                 "step 0 reads the input while it writes the output");
  Buffer x = uploaded(kX), y = uploaded(kY);
  Tensor out1(TGC_DTYPE_F32, {2, 3}), out2(TGC_DTYPE_F32, {2, 3});
  session.callArgs(0, {x, y}, {y, out1, out2});
  session.callArgs(0, {x, y}, {y, out1, out2});
  Tensor back(TGC_DTYPE_F32, {2, 3});
  session.download(y, back);
  EXPECT_EQ(values(back), (std::vector<float>{12, 24, 36, 48, 60, 72}));
  EXPECT_EQ(values(out1), (std::vector<float>{12, 48, 108, 192, 300, 432}));
}

TEST_F(DeviceBuffers, InPlaceOnAWrittenBindingIsCorrupt) {
  TModule m = addModule();
  (*m.kernels[0].bindings)[2].inPlace = true;
  std::vector<uint8_t> bytes = buildAddBundle(hostKernelLibrary(), m);
  try {
    Bundle::openMemory(bytes.data(), bytes.size(), "bad.bin");
    ADD_FAILURE() << "opened";
  } catch (const Error &e) {
    EXPECT_EQ(e.code(), TGC_STATUS_DATA_LOSS);
    EXPECT_NE(std::string(e.what()).find("is written and marked in place"),
              std::string::npos)
        << e.what();
  }
}
