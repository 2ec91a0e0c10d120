// SlotBlock and SlotRef: the loader's slots, allocated per block and counted per slot.
#include "workspace/map/file_slot.hpp"

#include <new>

namespace moonring {
namespace {

// The cells follow the block's header in the same allocation, each on its own cache lines.
constexpr std::size_t kCellsOffset =
    (sizeof(SlotBlock) + alignof(SlotCell) - 1) / alignof(SlotCell) * alignof(SlotCell);
constexpr std::align_val_t kBlockAlign{alignof(SlotCell)};

}  // namespace

SlotBlock* SlotBlock::make(std::size_t capacity, std::shared_ptr<MemoryBudget> budget) {
  void* memory = ::operator new(kCellsOffset + capacity * sizeof(SlotCell), kBlockAlign);
  return new (memory) SlotBlock(capacity, std::move(budget));
}

SlotCell* SlotBlock::cells() {
  return reinterpret_cast<SlotCell*>(reinterpret_cast<std::byte*>(this) + kCellsOffset);
}

SlotCell* SlotBlock::add(std::string path, std::size_t size_hint) {
  SlotCell* cell = new (cells() + size_) SlotCell();
  new (&cell->slot) FileSlot(std::move(path), size_hint, this);
  ++size_;
  refs_.fetch_add(1, std::memory_order_relaxed);
  return cell;
}

void SlotBlock::drop() {
  if (refs_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  std::size_t bytes = kCellsOffset + capacity_ * sizeof(SlotCell);
  this->~SlotBlock();
  ::operator delete(this, bytes, kBlockAlign);
}

// Every slot is gone by now (each held a reference): only the cells are left.
SlotBlock::~SlotBlock() {
  SlotCell* c = cells();
  for (std::size_t i = 0; i < size_; ++i) c[i].~SlotCell();
}

SlotRef SlotRef::try_lock(SlotCell* cell) {
  uint32_t refs = cell->refs.load(std::memory_order_relaxed);
  while (refs != 0)
    if (cell->refs.compare_exchange_weak(refs, refs + 1, std::memory_order_acquire,
                                         std::memory_order_relaxed))
      return SlotRef(cell);
  return {};
}

SlotRef::SlotRef(const SlotRef& o) : cell_(o.cell_) {
  if (cell_) cell_->refs.fetch_add(1, std::memory_order_relaxed);
}

void SlotRef::reset() {
  SlotCell* cell = std::exchange(cell_, nullptr);
  if (!cell || cell->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  // The last reference: the slot goes now (its content's memory back to the budget), its cell
  // stays with the block.
  SlotBlock* block = cell->slot.block;
  // A get() gave up on the file (cancelled) and its handles went before it was loaded.
  uint32_t w = cell->slot.wake.load(std::memory_order_acquire);
  if ((w & (FileSlot::kDemand | FileSlot::kAnswered)) == FileSlot::kDemand)
    block->budget()->lower_demand();
  cell->slot.~FileSlot();
  block->drop();
}

}  // namespace moonring
