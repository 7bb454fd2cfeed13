#!/usr/bin/env node
// Rebuilds the labelled development sets of real photos for `likeness eval categories` from
// Debian packages (apt-get download + dpkg -x), outside the repository:
//   node scripts/devsets.mjs [target, default /work/devsets]
// writes <target>/<set>/dev/<category>/… (for development) and <target>/<set>/final/<category>/…
// (every 4th picture of each category, by name: for final checks only, never for tuning) and
// <target>/<set>/SOURCES.tsv (each file, its package and path in the package). Needs apt-get
// (run `apt-get update` once first). Each set gets a README.md (what, where from, licence).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { inflateSync } from 'node:zlib';
import sharp from 'sharp';

const target = process.argv[2] ?? '/work/devsets';
const cache = join(target, '_pkgs');

/** Downloads and unpacks a Debian package once; returns the folder it was unpacked into. */
function unpack(pkg) {
  const dir = join(cache, `x-${pkg}`);
  if (existsSync(dir)) return dir;
  mkdirSync(cache, { recursive: true });
  execFileSync('apt-get', ['download', pkg], { cwd: cache, stdio: 'inherit' });
  const deb = readdirSync(cache).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
  execFileSync('dpkg', ['-x', join(cache, deb), dir], { stdio: 'inherit' });
  return dir;
}

const images = (dir) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /\.(png|jpe?g|webp)$/i.test(f))
        .sort()
        .map((f) => join(dir, f))
    : [];

/**
 * Set "stamps": Tux Paint's photographic stamps (tuxpaint-stamps-default, GPL-2): single objects
 * photographed and cut out, flattened here onto white like product photos. The category is the
 * stamp folder; the "cartoon" subfolders (drawings) and SVG clip art are left out.
 */
function stamps() {
  const root = join(unpack('tuxpaint-stamps-default'), 'usr/share/tuxpaint/stamps');
  const from = (...dirs) => dirs.flatMap((d) => images(join(root, d)));
  const mammals = [
    'animals/mammals',
    'animals/mammals/apes',
    'animals/mammals/bears',
    'animals/mammals/bovines',
    'animals/mammals/camel',
    'animals/mammals/cats',
    'animals/mammals/deer',
    'animals/mammals/dogs',
    'animals/mammals/equines',
    'animals/mammals/rodents',
  ];
  return {
    name: 'stamps',
    about:
      "Tux Paint's photographic stamps: single objects (animals, food, flowers, planets, coins) cut out of photographs; category = the stamp folder.",
    package: 'tuxpaint-stamps-default',
    licence: 'GPL-2 (usr/share/doc/tuxpaint-stamps-default/copyright)',
    root,
    categories: {
      birds: from('animals/birds'),
      mammals: from(...mammals),
      fish: from('animals/fish'),
      insects: from('animals/insects'),
      fruit: from('food/fruit'),
      vegetables: from('food/vegetables'),
      flowers: from('plants/flowers'),
      planets: from('space/planets', 'space/moon'),
      coins: from('symbols/money/us/coins', 'symbols/money/euro/coins', 'symbols/money/canadian/coins', 'symbols/money/japanese'),
    },
    flatten: true,
  };
}

/**
 * Set "wallpapers": desktop backgrounds of whole scenes (a different kind of picture from the
 * stamps' single objects): photographs (mostly nature) against abstract, drawn or rendered art. MATE
 * files them in nature/ and abstract/ itself; Plasma's are named, labelled here by looking at each.
 */
function wallpapers() {
  const mate = join(unpack('mate-backgrounds'), 'usr/share/backgrounds/mate');
  const plasma = join(unpack('plasma-workspace-wallpapers'), 'usr/share/wallpapers');
  // One picture per Plasma wallpaper: the first image of its contents/images folder.
  const plasmaOf = (names) => names.map((n) => images(join(plasma, n, 'contents/images'))[0]).filter(Boolean);
  // Sorted by looking at each (a photograph, or drawn/rendered/abstract art); summer_1am left out.
  const PLASMA_PHOTOS = ['BytheWater', 'ColdRipple', 'EveningGlow', 'FallenLeaf', 'Grey', 'Kite', 'OneStandsOut', 'Path'];
  const PLASMA_ART = [
    'Altai',
    'Autumn',
    'Canopee',
    'Cascade',
    'ColorfulCups',
    'DarkestHour',
    'Elarun',
    'Flow',
    'Honeywave',
    'IceCold',
    'Kay',
    'Kokkini',
    'MilkyWay',
    'Opal',
    'Patak',
    'Shell',
    'Volna',
  ];
  return {
    name: 'wallpapers',
    about:
      'Desktop wallpapers of whole scenes: photographs (mostly nature) against abstract, drawn or rendered art. MATE files them in nature/ and abstract/; the Plasma ones were sorted by looking at each.',
    package: 'mate-backgrounds, plasma-workspace-wallpapers',
    licence: 'GPL-2+ / LGPL / CC-BY-SA per file (usr/share/doc/<package>/copyright)',
    root: null,
    categories: {
      photo: [...images(join(mate, 'nature')), ...plasmaOf(PLASMA_PHOTOS)],
      art: [...images(join(mate, 'abstract')).filter((f) => !/_\d+x\d+\./.test(f)), ...plasmaOf(PLASMA_ART)],
    },
    flatten: false,
  };
}

/**
 * Unpacks a Qt resource file (.rcc, as GCompris ships its activities' data) once into a folder.
 * The format (Qt's rcc): "qres", version, then offsets of the tree, the data and the names; a tree
 * entry is a directory (children) or a file (its data, zlib-compressed when flag 1 is set).
 */
function unpackRcc(file) {
  const out = `${file}.d`;
  if (existsSync(out)) return out;
  const b = readFileSync(file);
  if (b.toString('latin1', 0, 4) !== 'qres') throw new Error(`${file}: not a Qt resource file`);
  const [version, tree, data, names] = [4, 8, 12, 16].map((o) => b.readUInt32BE(o));
  const entrySize = version >= 2 ? 22 : 14;
  const nameAt = (o) =>
    b
      .subarray(names + o + 6, names + o + 6 + 2 * b.readUInt16BE(names + o))
      .swap16()
      .toString('utf16le');
  const walk = (i, dir) => {
    const at = tree + i * entrySize;
    const name = i === 0 ? '' : nameAt(b.readUInt32BE(at));
    const flags = b.readUInt16BE(at + 4);
    if (flags & 2) {
      const [count, first] = [b.readUInt32BE(at + 6), b.readUInt32BE(at + 10)];
      for (let c = 0; c < count; c++) walk(first + c, join(dir, name));
      return;
    }
    if (flags & 4) throw new Error(`${file}: zstd-compressed entries are not supported`);
    const start = data + b.readUInt32BE(at + 10);
    const blob = b.subarray(start + 4, start + 4 + b.readUInt32BE(start));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, name), flags & 1 ? inflateSync(blob.subarray(4)) : blob);
  };
  walk(0, out);
  return out;
}

/**
 * Set "gcompris": photographs of objects in their scenes (not cut out), as most of a family's or a
 * photographer's library is, from the educational suite GCompris (gcompris-qt-data): the pictures of
 * its "categorization" and "explore animals" activities, each credited in a README beside it (CC0,
 * public domain or CC-BY-SA, with the source). Category = the activity's own folder (fish, tools,
 * monuments, animals) or file name (windmills, solar, dams).
 */
function gcompris() {
  const rcc = join(unpack('gcompris-qt-data'), 'usr/share/gcompris-qt/rcc');
  const activity = (name, dir) => join(unpackRcc(join(rcc, `${name}.rcc`)), 'gcompris/src/activities', name, 'resource', dir);
  const categorization = (dir) => images(activity('categorization', `images/${dir}`));
  const renewable = (prefix) => categorization('renewable').filter((f) => basename(f).startsWith(prefix));
  return {
    name: 'gcompris',
    about:
      'Photographs of objects in their scenes from GCompris: fish, hand tools, monuments, animals, windmills, solar panels and cookers, dams. Category = the activity folder or the file name.',
    package: 'gcompris-qt-data',
    licence: 'CC0 / public domain / CC-BY-SA 4.0 per picture (the README beside it in the package)',
    root: null,
    categories: {
      fish: categorization('fishes'),
      tools: categorization('tools'),
      monuments: categorization('monuments'),
      animals: [...images(activity('explore_farm_animals', 'animals')), ...images(activity('explore_world_animals', 'animals'))],
      windmills: renewable('windmill'),
      solar: renewable('solar'),
      dams: renewable('dam'),
    },
    flatten: true,
  };
}

/** A package's picture as a set's file: at most 1024 px on the long side (enough for 64×64 model inputs and sheets, small on disk), JPEG q92, transparency flattened onto white when asked. */
async function saveJpeg(file, dest, flatten) {
  let img = sharp(file, { autoOrient: true }).resize(1024, 1024, { fit: 'inside', withoutEnlargement: true });
  if (flatten) img = img.flatten({ background: '#ffffff' });
  await img.jpeg({ quality: 92 }).toFile(dest);
}

async function write(set) {
  const out = join(target, set.name);
  rmSync(out, { recursive: true, force: true });
  const rows = ['file\tpackage\tpath in package\tlicence'];
  for (const [category, files] of Object.entries(set.categories)) {
    files.forEach((file, i) => {
      const split = i % 4 === 3 ? 'final' : 'dev';
      mkdirSync(join(out, split, category), { recursive: true });
    });
    for (const [i, file] of files.entries()) {
      const split = i % 4 === 3 ? 'final' : 'dev';
      // Plasma keeps each wallpaper as <Name>/contents/images/<size>.jpg: name it after <Name>.
      const stem = /contents\/images/.test(file) ? file.split('/').at(-4) : basename(file, extname(file));
      const name = `${stem}.jpg`.replace(/[^\w.-]+/g, '_');
      const dest = join(out, split, category, name);
      await saveJpeg(file, dest, set.flatten);
      rows.push(`${split}/${category}/${name}\t${set.package}\t${file.replace(/^.*\/x-[^/]+\//, '/')}\t${set.licence}`);
    }
  }
  writeFileSync(join(out, 'SOURCES.tsv'), rows.join('\n') + '\n');
  writeFileSync(
    join(out, 'README.md'),
    `# ${set.name}\n\n${set.about}\n\nFrom the Debian package(s) ${set.package} (${set.licence}); rebuilt by scripts/devsets.mjs of the Likeness repository.\n` +
      `SOURCES.tsv gives each file's path in its package. Pictures were resized to at most 1024 px on the long side and saved as JPEG q92` +
      `${set.flatten ? ', transparent backgrounds flattened onto white' : ''}.\n\n` +
      `dev/: for development. final/: every 4th picture of each category (by file name), for final checks only.\n\n` +
      Object.entries(set.categories)
        .map(([c, f]) => `- ${c}: ${f.length}`)
        .join('\n') +
      '\n',
  );
  const counts = Object.entries(set.categories)
    .map(([c, f]) => `${c} ${f.length}`)
    .join(', ');
  console.log(`${set.name}: ${counts} → ${out}`);
}

/**
 * "stamps-other": photographic stamps of everything the stamps set does not label (clothes, tools,
 * buildings, vehicles, signs…), for `eval categories --unlabelled`: photos to learn from that are
 * never judged, as the rest of a user's library. No file of the stamps set is among them.
 */
async function otherStamps() {
  const root = join(unpack('tuxpaint-stamps-default'), 'usr/share/tuxpaint/stamps');
  const out = join(target, 'stamps-other');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  const tops = [
    'clothes',
    'hobbies',
    'household',
    'medical',
    'military',
    'naturalforces',
    'people',
    'seasonal',
    'sports',
    'symbols',
    'town',
    'vehicles',
  ];
  let n = 0;
  for (const file of tops.flatMap((t) => walk(join(root, t)))) {
    const rel = file.slice(root.length + 1);
    if (!/\.png$/i.test(file) || rel.includes('cartoon') || rel.startsWith('symbols/money')) continue;
    const name = rel.replace(/\.png$/i, '.jpg').replace(/[^\w.-]+/g, '_');
    await saveJpeg(file, join(out, name), true);
    n++;
  }
  console.log(`stamps-other: ${n} unlabelled → ${out}`);
}

for (const set of [stamps(), wallpapers(), gcompris()]) await write(set);
await otherStamps();
for (const pkg of ['tuxpaint-stamps-default', 'mate-backgrounds', 'plasma-workspace-wallpapers', 'gcompris-qt-data']) {
  const copyright = join(cache, `x-${pkg}`, 'usr/share/doc', pkg, 'copyright');
  if (existsSync(copyright)) copyFileSync(copyright, join(target, `${pkg}.copyright`));
}
