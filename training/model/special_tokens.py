"""Special tokens of the shipped model, in id order (ids 0..N-1).

Tasks: left-to-right code, fill-in-the-middle (prefix, suffix, middle), and room for the apply and
next-edit tasks that later training adds; reserved tokens keep ids stable when tasks are added.
"""

SPECIAL_TOKENS = [
    "<|endoftext|>",
    "<|fim_prefix|>",
    "<|fim_suffix|>",
    "<|fim_middle|>",
    "<|file_sep|>",
    "<|original|>",
    "<|sketch|>",
    "<|updated|>",
    "<|edits|>",
    "<|cursor|>",
    "<|next_edit|>",
    "<|pad|>",
] + [f"<|reserved_{i}|>" for i in range(20)]

EOS = "<|endoftext|>"
PAD = "<|pad|>"
