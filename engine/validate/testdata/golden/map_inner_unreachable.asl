{
 "StartAt": "M",
 "States": {
  "M": {
   "Type": "Map",
   "ItemProcessor": {
    "StartAt": "P",
    "States": {
     "P": {
      "Type": "Pass",
      "End": true
     },
     "Q": {
      "Type": "Pass",
      "End": true
     }
    }
   },
   "End": true
  }
 }
}