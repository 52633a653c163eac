// Overloaded: a visitor for std::visit built from lambdas, one per alternative. Header-only;
// thread-safe.
#pragma once

namespace redline {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

}  // namespace redline
