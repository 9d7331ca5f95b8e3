{
 "StartAt": "M",
 "States": {
  "M": {
   "Type": "Map",
   "QueryLanguage": "JSONata",
   "ItemProcessor": {
    "StartAt": "P",
    "States": {
     "P": {
      "Type": "Pass",
      "Output": 1,
      "End": true
     }
    }
   },
   "End": true
  }
 }
}