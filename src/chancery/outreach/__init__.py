"""Public diplomacy: bilingual posts, multi-step approval, verified publishing and the ministry's own channel."""
