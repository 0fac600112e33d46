//! Party v1's word lists, in v1's fixed order.
//!
//! The order is the derivation: a handle is `SIZE[h0 % 64]-COLOR[h1 % 64]-NOUN[h2 % 256]`,
//! so reordering, deduplicating or fixing a word would give every existing identity a new
//! handle. That is why `NOUN` keeps v1's duplicate `kite` (indices 53 and 135).

/// First word of a handle.
#[rustfmt::skip]
pub const SIZE: [&str; 64] = [
    "big", "tiny", "huge", "small", "giant", "mini", "tall", "short",
    "wide", "slim", "old", "new", "fresh", "young", "quick", "slow",
    "fast", "swift", "lazy", "bold", "shy", "brave", "calm", "wild",
    "kind", "happy", "grumpy", "jolly", "proud", "silly", "wise", "clever",
    "smart", "chill", "fierce", "gentle", "loud", "quiet", "soft", "tough",
    "sleek", "rough", "smooth", "sharp", "dull", "bright", "dim", "shiny",
    "plain", "fancy", "noble", "humble", "cosmic", "lucky", "sleepy", "mighty",
    "tired", "eager", "zesty", "fuzzy", "merry", "sunny", "cheery", "nimble",
];

/// Second word of a handle.
#[rustfmt::skip]
pub const COLOR: [&str; 64] = [
    "red", "blue", "green", "gold", "silver", "pink", "black", "white",
    "purple", "orange", "yellow", "crimson", "scarlet", "azure", "teal", "cyan",
    "violet", "indigo", "magenta", "lime", "olive", "mint", "jade", "emerald",
    "ruby", "amber", "coral", "pearl", "ivory", "bronze", "copper", "rust",
    "brown", "tan", "cream", "beige", "rose", "peach", "plum", "lemon",
    "lilac", "navy", "mauve", "cobalt", "ochre", "sable", "honey", "snow",
    "frost", "ash", "slate", "smoke", "neon", "misty", "starry", "dusky",
    "velvet", "glass", "steel", "clay", "mossy", "foamy", "golden", "silky",
];

/// Third word of a handle; `kite` appears twice on purpose (see the module docs).
#[rustfmt::skip]
pub const NOUN: [&str; 256] = [
    "fox", "wolf", "bear", "lion", "tiger", "deer", "elk", "moose",
    "horse", "zebra", "camel", "panda", "koala", "sloth", "monkey", "lemur",
    "rabbit", "hare", "mouse", "otter", "beaver", "seal", "whale", "dolphin",
    "shark", "fish", "squid", "crab", "shrimp", "turtle", "frog", "toad",
    "snake", "lizard", "gecko", "newt", "bat", "eagle", "hawk", "owl",
    "crow", "raven", "dove", "swan", "duck", "goose", "robin", "finch",
    "sparrow", "heron", "stork", "crane", "falcon", "kite", "puffin", "parrot",
    "bee", "ant", "wasp", "moth", "beetle", "spider", "cricket", "firefly",
    "dragon", "phoenix", "griffin", "unicorn", "pegasus", "kraken", "sphinx", "hydra",
    "husky", "corgi", "terrier", "poodle", "mustang", "raccoon", "badger", "ferret",
    "apple", "moon", "star", "cloud", "wave", "storm", "flame", "stone",
    "lake", "river", "hill", "tree", "leaf", "seed", "root", "branch",
    "key", "door", "book", "page", "pen", "lamp", "candle", "mirror",
    "cup", "bowl", "plate", "spoon", "bed", "chair", "table", "rug",
    "shoe", "hat", "scarf", "glove", "ring", "crown", "sword", "shield",
    "arrow", "bow", "tower", "bridge", "road", "path", "trail", "map",
    "ship", "boat", "sail", "anchor", "wheel", "car", "bike", "kite",
    "drum", "flute", "bell", "song", "mask", "robe", "cape", "lantern",
    "compass", "telescope", "quill", "scroll", "prism", "crystal", "gem", "jewel",
    "feather", "brush", "palette", "chisel", "hammer", "anvil", "forge", "torch",
    "ocean", "beach", "island", "valley", "meadow", "forest", "jungle", "desert",
    "canyon", "cliff", "cave", "crater", "volcano", "glacier", "reef", "swamp",
    "marsh", "pond", "creek", "stream", "cascade", "geyser", "spring", "peak",
    "summit", "ridge", "slope", "gorge", "plain", "prairie", "tundra", "savanna",
    "oasis", "dune", "delta", "lagoon", "bay", "cove", "harbor", "fjord",
    "atoll", "mesa", "grove", "thicket", "fern", "vine", "bloom", "petal",
    "mango", "peach", "plum", "pear", "grape", "cherry", "lemon", "lime",
    "melon", "orange", "banana", "olive", "wheat", "rice", "bread", "honey",
    "sugar", "butter", "cheese", "pepper", "basil", "thyme", "sage", "clove",
    "ginger", "cocoa", "coffee", "wine", "milk", "cream", "berry", "tomato",
    "onion", "garlic", "pasta", "noodle", "biscuit", "muffin", "waffle", "donut",
    "pretzel", "pickle", "cookie", "pancake", "pizza", "taco", "barley", "maple",
];
