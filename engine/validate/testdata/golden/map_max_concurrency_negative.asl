{
 "StartAt": "M",
 "States": {
  "M": {
   "Type": "Map",
   "MaxConcurrency": -1,
   "ItemProcessor": {
    "StartAt": "P",
    "States": {
     "P": {
      "Type": "Pass",
      "End": true
     }
    }
   },
   "End": true
  }
 }
}