{
 "Comment": "JSON_PATH_ARRAY_ACCESS",
 "StartAt": "EntryState",
 "States": {
  "EntryState": {
   "Type": "Pass",
   "Parameters": {
    "item.$": "$.item.items[1:]"
   },
   "End": true
  }
 }
}