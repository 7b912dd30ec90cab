/** Functions whose first argument is a file's path: they open, change or list it. */
export const FILE_OPERATIONS: ReadonlySet<string> = new Set([
  'open', 'io.open', 'aiofiles.open', 'os.open', 'os.remove', 'os.unlink', 'os.rename', 'os.replace', 'os.makedirs',
  'os.mkdir', 'os.rmdir', 'os.listdir', 'os.scandir', 'os.walk', 'os.stat', 'os.lstat', 'os.chmod', 'os.chown', 'os.truncate', 'shutil.copy', 'shutil.copy2',
  'shutil.copyfile', 'shutil.copytree', 'shutil.move', 'shutil.rmtree', 'aiohttp.web.FileResponse',
  'homeassistant.util.json.load_json', 'homeassistant.helpers.json.save_json', 'homeassistant.util.json.save_json',
  'homeassistant.util.yaml.load_yaml', 'homeassistant.util.yaml.save_yaml', 'homeassistant.util.ruamel_yaml.load_yaml',
  'homeassistant.util.ruamel_yaml.save_yaml', 'homeassistant.util.file.write_utf8_file', 'homeassistant.util.file.write_utf8_file_atomic',
  'aiofiles.os.remove', 'aiofiles.os.unlink', 'aiofiles.os.rename', 'aiofiles.os.replace', 'aiofiles.os.makedirs', 'aiofiles.os.mkdir',
  'aiofiles.os.rmdir', 'aiofiles.os.listdir', 'aiofiles.os.scandir', 'aiofiles.os.stat', 'aiofiles.os.walk', 'tarfile.open', 'zipfile.ZipFile', 'sqlite3.connect', 'aiosqlite.connect', 'pandas.read_csv',
  'pandas.read_json', 'pandas.read_excel', 'pandas.read_parquet', 'joblib.load', 'PIL.Image.open', 'cv2.imread',
  'cv2.imwrite',
]);

